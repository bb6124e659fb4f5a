import datetime

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import (
    PARTNER_KINDS,
    ROLES_BY_KIND,
    SINGLE_PARTNER_KINDS,
    OrganisationKind,
    Role,
    kind_of_role,
)
from accounts.validators import is_belgian_postcode, validate_instellingsnummer


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in with an email address.

    ``is_staff`` marks a platform administrator: they manage organisations, memberships and
    partnerships in the admin, but read no dossier content without a grant.
    """

    username = None
    email = models.EmailField(_("email address"), unique=True)

    class NotificationFrequency(models.TextChoices):
        IMMEDIATE = "immediate", _("At once, one email per event")
        DAILY = "daily", _("A daily digest")
        NONE = "none", _("No emails")

    notification_frequency = models.CharField(
        _("email about new signals and supplements"),
        max_length=10,
        choices=NotificationFrequency.choices,
        default=NotificationFrequency.IMMEDIATE,
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class ActiveQuerySet(models.QuerySet):
    """Rows with a start and an optional end date; active means today lies between them."""

    def active_on(self, day: datetime.date | None = None):
        day = day or timezone.localdate()
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))


class Period(models.Model):
    """Something that holds from a start date to an optional end (memberships, partnerships).

    The subclasses declare ``start_date`` and ``end_date`` (their defaults differ); the rule that
    the end does not lie before the start, and what "active" means, are written here once.
    """

    objects = ActiveQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="%(class)s_end_after_start",
                violation_error_message=_("The end date cannot lie before the start date."),
            )
        ]

    def is_active_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    def clean_period(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot lie before the start date.")})


def active_q(prefix: str = "", day: datetime.date | None = None) -> Q:
    """The same condition as ``active_on`` for use across a relation (``prefix`` ends in __).

    For memberships use ``membership_active_q``: a membership also has to be confirmed.
    """
    day = day or timezone.localdate()
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def membership_active_q(prefix: str = "", day: datetime.date | None = None) -> Q:
    """A membership that holds today: confirmed, and today between its start and end."""
    return active_q(prefix, day) & Q(**{f"{prefix}status": MembershipStatus.CONFIRMED})


class Organisation(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    instellingsnummer = models.CharField(
        _("instellingsnummer"),
        max_length=6,
        blank=True,
        validators=[validate_instellingsnummer],
        help_text=_("Six digits. Required for a school."),
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    city = models.CharField(_("municipality"), max_length=100, blank=True)
    email = models.EmailField(_("general email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["instellingsnummer"],
                condition=~Q(instellingsnummer=""),
                name="organisation_unique_instellingsnummer",
                violation_error_message=_(
                    "Another organisation already has this instellingsnummer."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind="school") | ~Q(instellingsnummer=""),
                name="school_has_instellingsnummer",
                violation_error_message=_("A school needs an instellingsnummer."),
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        if self.instellingsnummer:
            return f"{self.name} ({self.instellingsnummer})"
        return self.name

    @property
    def is_school(self) -> bool:
        return self.kind == OrganisationKind.SCHOOL

    @property
    def address(self) -> str:
        place = " ".join(part for part in (self.postcode, self.city) if part)
        return ", ".join(part for part in (self.street, place) if part)

    def clean(self) -> None:
        super().clean()
        if self.kind == OrganisationKind.SCHOOL and not self.instellingsnummer:
            raise ValidationError({"instellingsnummer": _("A school needs an instellingsnummer.")})
        if self.postcode and not is_belgian_postcode(self.postcode):
            raise ValidationError({"postcode": _("A Belgian postcode has four digits.")})


class Vestiging(models.Model):
    """A site of a school (a school may teach on several addresses)."""

    school = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="vestigingen",
        limit_choices_to={"kind": OrganisationKind.SCHOOL},
        verbose_name=_("school"),
    )
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    city = models.CharField(_("municipality"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("vestiging")
        verbose_name_plural = _("vestigingen")
        ordering = ["school", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.school_id and self.school.kind != OrganisationKind.SCHOOL:
            raise ValidationError({"school": _("Only a school has vestigingen.")})


class MembershipStatus(models.TextChoices):
    """A membership that would let someone read a school's dossier without a grant, or manage
    its access, waits for a second person to confirm it (accounts.services). Until then it
    gives nothing: only confirmed memberships are ever active."""

    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")


class MembershipQuerySet(ActiveQuerySet):
    def active_on(self, day: datetime.date | None = None):
        return self.filter(membership_active_q(day=day))

    def pending(self):
        return self.filter(status=MembershipStatus.PENDING)


class Membership(Period):
    """A person works for an organisation in a role, from a start date to an optional end.

    Only a confirmed membership counts (``status``); see MembershipStatus.
    """

    Status = MembershipStatus

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    # New rows wait unless the service that writes them confirms them: a row written some other
    # way gives no access until someone confirms it.
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.PENDING,
        editable=False,
    )
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("added by"),
    )
    decided_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("confirmed or refused by"),
    )
    decided_at = models.DateTimeField(
        _("confirmed or refused at"), null=True, blank=True, editable=False
    )

    objects = MembershipQuerySet.as_manager()

    class Meta(Period.Meta):
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "user__last_name"]
        indexes = [models.Index(fields=["user", "organisation"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation.name}"

    def clean(self) -> None:
        super().clean()
        try:
            # possibly one still being added on the same admin page, so without an id yet
            organisation = self.organisation
        except Membership.organisation.RelatedObjectDoesNotExist:
            organisation = None
        if (
            organisation
            and organisation.kind in ROLES_BY_KIND
            and self.role
            and self.role not in ROLES_BY_KIND[organisation.kind]
        ):
            raise ValidationError(
                {
                    "role": _(
                        "The role %(role)s does not belong to an organisation of the kind %(kind)s."
                    )
                    % {
                        "role": self.get_role_display(),
                        "kind": organisation.get_kind_display(),
                    }
                }
            )
        self.clean_period()

    @property
    def kind(self) -> str:
        return kind_of_role(self.role)

    @property
    def is_pending(self) -> bool:
        return self.status == MembershipStatus.PENDING

    def is_active_on(self, day: datetime.date | None = None) -> bool:
        return self.status == MembershipStatus.CONFIRMED and super().is_active_on(day)


# On PostgreSQL the database refuses overlapping partnerships too (migration 0004): one CLB
# and one PBD per school at a time, and a partner at most once per school at a time.
PARTNERSHIP_OVERLAP_CONSTRAINTS = frozenset(
    {"partnership_one_clb_and_one_pbd_at_a_time", "partnership_same_partner_once_at_a_time"}
)


class Partnership(Period):
    """A partner organisation (CLB, PBD or LSC) works with a school from a start to an end date.

    ``clean()`` refuses an overlap with a message that names the clashing partnership; on
    PostgreSQL exclusion constraints (PARTNERSHIP_OVERLAP_CONSTRAINTS) hold the same rules for
    writers that raced past it. Write through accounts.services, which turns either into the
    same ValidationError.
    """

    school = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="partnerships",
        limit_choices_to={"kind": OrganisationKind.SCHOOL},
        verbose_name=_("school"),
    )
    partner = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="served_partnerships",
        limit_choices_to={"kind__in": PARTNER_KINDS},
        verbose_name=_("partner"),
    )
    # Copied from the partner so that the overlap rule can be checked per kind.
    partner_kind = models.CharField(
        _("partner kind"), max_length=10, choices=OrganisationKind.choices, editable=False
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta(Period.Meta):
        # The table kept its name when the model moved out of the dossier app.
        db_table = "dossier_partnership"
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["school__name", "partner_kind", "-start_date"]
        indexes = [models.Index(fields=["partner", "school"])]

    def __str__(self) -> str:
        return f"{self.school.name} – {self.partner.name}"

    def clean(self) -> None:
        super().clean()
        if not (self.school_id and self.partner_id and self.start_date):
            return
        if self.school.kind != OrganisationKind.SCHOOL:
            raise ValidationError(
                {"school": _("Choose a school here: a partnership always starts from a school.")}
            )
        if self.partner.kind not in PARTNER_KINDS:
            raise ValidationError({"partner": _("The partner must be a CLB, a PBD or an LSC.")})
        self.clean_period()
        self.partner_kind = self.partner.kind
        overlapping = self.overlapping_partnerships()
        if self.partner_kind in SINGLE_PARTNER_KINDS:
            clash = overlapping.filter(partner_kind=self.partner_kind).first()
            if clash:
                raise ValidationError(
                    _(
                        "%(school)s already works with %(kind)s %(other)s in this period "
                        "(%(start)s – %(end)s). A school has one %(kind)s at a time: end that "
                        "partnership first."
                    )
                    % {
                        "school": self.school.name,
                        "kind": self.partner.get_kind_display(),
                        "other": clash.partner.name,
                        "start": clash.start_date.strftime("%d/%m/%Y"),
                        "end": clash.end_date.strftime("%d/%m/%Y") if clash.end_date else "…",
                    }
                )
        elif overlapping.filter(partner=self.partner).exists():
            raise ValidationError(
                _("%(school)s already works with %(other)s in this period.")
                % {"school": self.school.name, "other": self.partner.name}
            )

    def overlapping_partnerships(self):
        qs = Partnership.objects.filter(school_id=self.school_id).exclude(pk=self.pk)
        qs = qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=self.start_date))
        if self.end_date:
            qs = qs.filter(start_date__lte=self.end_date)
        return qs.select_related("partner")
