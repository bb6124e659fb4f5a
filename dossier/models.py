from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
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
        DOCUMENT_DOWNLOADED = "document_downloaded", _("Document downloaded")
        AGREEMENT_APPROVED = "agreement_approved", _("Agreement approved")

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


class ReferenceItem(models.Model):
    """An entry of a list administrators keep (themes, sources): switched off, never deleted."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Thema(ReferenceItem):
    """A theme that signals and consultations are filed under."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


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
        verbose_name_plural = _("deletions")
        ordering = ["-deleted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id}"


# --- shared documents ---------------------------------------------------------------------------


class Audience(models.Model):
    """Which partner kinds may see an item besides the school (which always may)."""

    for_clb = models.BooleanField(_("CLB"), default=True)
    for_pbd = models.BooleanField(_("PBD"), default=False)
    for_lsc = models.BooleanField(_("LSC"), default=False)

    class Meta:
        abstract = True

    @property
    def audience_sides(self) -> frozenset[str]:
        sides = {OrganisationKind.SCHOOL}
        for kind in (OrganisationKind.CLB, OrganisationKind.PBD, OrganisationKind.LSC):
            if getattr(self, f"for_{kind}"):
                sides.add(kind)
        return frozenset(sides)


class Document(Audience):
    class Kind(models.TextChoices):
        SAMENWERKINGSAFSPRAKEN = "samenwerkingsafspraken", _("Samenwerkingsafspraken")
        VERSLAG = "verslag", _("Meeting minutes")
        VISIETEKST = "visietekst", _("Vision text")
        FOLDER = "folder", _("Folder for parents")
        ANDERE = "andere", _("Other")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    school_year = models.CharField(_("school year"), max_length=9)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # In the bin from this moment; purged 30 days later, restorable until then.
    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("shared document")
        verbose_name_plural = _("shared documents")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["dossier", "deleted_at", "-updated_at"])]

    def __str__(self) -> str:
        return self.title


def _document_path(instance, filename: str) -> str:
    """A random name: the original name is kept in the database, never in the path."""
    import secrets

    return f"documents/{timezone.now():%Y/%m}/{secrets.token_urlsafe(24)}"


class DocumentVersie(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versies")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=_document_path, max_length=200)
    original_name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.original_name} v{self.number}"


# --- samenwerkingsafspraken ------------------------------------------------------------------


class Samenwerkingsafspraak(Audience):
    """An agreement between the school and one to three partners, approved by each of them.

    The audience flags say which partners the current version binds (the school always is).
    """

    class Topic(models.TextChoices):
        CONSULTATIE = "consultatie", _("Organising consultative guidance")
        PRIORITERING = "prioritering", _("Prioritising learning-support requests")
        COMMUNICATIE = "communicatie", _("Communication")
        VERSLAGEN = "verslagen", _("Putting on hold or lifting a GC-, IAC- or OV4-verslag")
        SIGNALEN = "signalen", _("Signals")
        OVERLEG = "overleg", _("The structural meeting")
        PROFESSIONALISERING = "professionalisering", _("Professional development")
        KNIPPERLICHT = "knipperlicht", _("Knipperlichtsituaties")
        ANDERE = "andere", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft, awaiting approval")
        APPROVED = "approved", _("Approved")
        TO_EVALUATE = "to_evaluate", _("To evaluate")
        EVALUATED = "evaluated", _("Evaluated")
        EXPIRED = "expired", _("Expired")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="afspraken")
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    evaluation_date = models.DateField(_("evaluate on"))
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("samenwerkingsafspraak")
        verbose_name_plural = _("samenwerkingsafspraken")
        ordering = ["evaluation_date", "pk"]
        indexes = [models.Index(fields=["dossier", "status", "evaluation_date"])]

    def __str__(self) -> str:
        return self.title


class AfspraakVersie(models.Model):
    """One version of an agreement's content; changing an approved agreement makes a new one."""

    afspraak = models.ForeignKey(
        Samenwerkingsafspraak, on_delete=models.CASCADE, related_name="versies"
    )
    number = models.PositiveIntegerField()
    summary = models.TextField(_("what we agree"), max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["afspraak", "number"], name="afspraak_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.afspraak} v{self.number}"


class AfspraakPartij(models.Model):
    """A partner bound by one version of an agreement, what it does, and its approval."""

    versie = models.ForeignKey(AfspraakVersie, on_delete=models.CASCADE, related_name="partijen")
    kind = models.CharField(max_length=10, choices=OrganisationKind.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    responsibilities = models.TextField(_("what this partner does"), max_length=2000)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["versie", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["versie", "kind"], name="afspraak_party_once")
        ]

    def __str__(self) -> str:
        return f"{self.versie}: {self.organisation}"


# --- structureel overleg ---------------------------------------------------------------------


class StructureelOverleg(models.Model):
    """The school's structural meeting with PBD, CLB and possibly LSC."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="overleggen")
    date = models.DateField(_("date"))
    school_participants = models.CharField(_("for the school"), max_length=300, blank=True)
    clb_participants = models.CharField(_("for the CLB"), max_length=300, blank=True)
    pbd_participants = models.CharField(_("for the PBD"), max_length=300, blank=True)
    lsc_participants = models.CharField(_("for the LSC"), max_length=300, blank=True)
    data_reflected_on = models.TextField(
        _("data we reflected on"),
        max_length=2000,
        blank=True,
        help_text=_("Datawijzer, leersteunwijzer, data from the CLB … and links to them."),
    )
    agenda = models.TextField(_("agenda"), max_length=4000)
    decisions = models.TextField(_("decisions"), max_length=4000, blank=True)
    next_meeting_date = models.DateField(_("next meeting"), null=True, blank=True)
    minutes_keeper = models.CharField(
        _("who keeps the minutes"),
        max_length=10,
        choices=OrganisationKind.choices,
        default=OrganisationKind.SCHOOL,
    )
    documents = models.ManyToManyField(
        Document, blank=True, related_name="+", verbose_name=_("documents")
    )
    afspraken = models.ManyToManyField(
        Samenwerkingsafspraak,
        blank=True,
        related_name="overleggen",
        verbose_name=_("agreements made or adjusted"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("structural meeting")
        verbose_name_plural = _("structural meetings")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}"
