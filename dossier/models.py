from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.models import ActiveQuerySet, Organisation
from accounts.roles import PARTNER_KINDS, SINGLE_PARTNER_KINDS, OrganisationKind


class Dossier(models.Model):
    """The one shared dossier of a school, created together with the school."""

    school = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="dossier",
        limit_choices_to={"kind": OrganisationKind.SCHOOL},
        verbose_name=_("school"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["school__name"]
        permissions = [
            ("contribute_dossier", _("Can contribute to the dossier")),
            ("manage_access", _("Can manage access to the dossier")),
        ]

    def __str__(self) -> str:
        return str(self.school)


class DossierUserObjectPermission(UserObjectPermissionBase):
    """A grant on one dossier for one person (guardian, direct foreign key)."""

    content_object = models.ForeignKey(Dossier, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("dossier grant")
        verbose_name_plural = _("dossier grants")
        indexes = [models.Index(fields=["user", "content_object"])]


class DossierGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Dossier, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("dossier group grant")
        verbose_name_plural = _("dossier group grants")


class Partnership(models.Model):
    """A partner organisation (CLB, PBD or LSC) works with a school from a start to an end date."""

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

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["school__name", "partner_kind", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="partnership_end_after_start",
                violation_error_message=_("The end date cannot lie before the start date."),
            )
        ]
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
        if self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot lie before the start date.")})
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


class AuditEvent(models.Model):
    """Who did what, when, in which dossier. Holds no dossier content, only references."""

    class Action(models.TextChoices):
        ACCESS_GRANTED = "access_granted", _("Access granted")
        ACCESS_CHANGED = "access_changed", _("Access changed")
        ACCESS_REVOKED = "access_revoked", _("Access revoked")
        AUDIT_EXPORTED = "audit_exported", _("Audit log exported")
        REPORT_DOWNLOADED = "report_downloaded", _("Report downloaded")
        CONSULTATIE_READ = "consultatie_read", _("Consultation note opened")

    dossier = models.ForeignKey(
        Dossier,
        on_delete=models.CASCADE,
        related_name="audit_events",
        verbose_name=_("dossier"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("concerning"),
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    # The access section the event belongs to; decides who sees it in "recent activity".
    section = models.CharField(_("section"), max_length=20)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["dossier", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.get_action_display()}"


class Thema(models.Model):
    """A theme that signals and consultations are filed under; administrators keep the list."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Report(models.Model):
    """A PDF generated in the background for one dossier, asked for by one person."""

    class Kind(models.TextChoices):
        SIGNALENOVERZICHT = "signalenoverzicht", _("Signals overview")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="reports", verbose_name=_("dossier")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    school_year = models.CharField(_("school year"), max_length=9)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asked by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    # Stored under a random name outside any public URL; served only by the download view.
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One generation at a time per person, dossier, kind and year: a double click
            # finds the report already waiting.
            models.UniqueConstraint(
                fields=["dossier", "kind", "school_year", "requested_by"],
                condition=Q(status__in=["queued", "running"]),
                name="report_one_pending_per_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.school_year}"

    @property
    def pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class Notification(models.Model):
    """Something a person hears about by email: at once, in a daily digest, or not at all."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=200)
    url = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["user", "sent_at"])]

    def __str__(self) -> str:
        return self.subject


class RetentionPolicy(models.Model):
    """How many school years a closed record of one type is kept after the year it closed in."""

    class RecordType(models.TextChoices):
        CONSULTATIE = "consultatie", _("Consultation notes")
        SIGNAAL = "signaal", _("Signals")

    record_type = models.CharField(
        _("record type"), max_length=20, choices=RecordType.choices, unique=True
    )
    school_years = models.PositiveSmallIntegerField(
        _("school years kept after closing"),
        help_text=_("0 deletes a record after the school year in which it was closed."),
    )

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        ordering = ["record_type"]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.school_years}"


class DeletionLog(models.Model):
    """What the retention job deleted, and when. Never the content."""

    record_type = models.CharField(max_length=20, choices=RetentionPolicy.RecordType.choices)
    record_id = models.PositiveBigIntegerField()
    dossier_id = models.PositiveBigIntegerField(null=True)
    closed_at = models.DateTimeField()
    deleted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("deletion")
        verbose_name_plural = _("deletion log")
        ordering = ["-deleted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id}"
