import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from dossier.core.models import Dossier
from dossier.core.registry import registry


def stale_after() -> datetime.timedelta:
    """How long a report may be "running" before its worker counts as lost: the render task's
    hard time limit (Celery kills a render that takes longer) plus a margin."""
    return datetime.timedelta(
        seconds=settings.REPORT_TASK_TIME_LIMIT + settings.REPORT_STALE_MARGIN
    )


class Failure:
    """Why a report failed: the first word of ``Report.error`` (a refusal adds its reason after
    a colon). The status row says each in Dutch (``Report.failure_message``)."""

    QUEUE_UNAVAILABLE = "queue_unavailable"  # the broker could not be reached
    WORKER_LOST = "worker_lost"  # its worker died, MAX_ATTEMPTS times
    TIMED_OUT = "timed_out"  # the render passed the task's soft time limit
    NOT_POSSIBLE = "not_possible"  # the kind refused (a ValidationError): its item changed
    NO_ACCESS = "no_access"  # the requester no longer reads what it is about
    RENDER_FAILED = "render_failed"  # anything else: the log has the details


class Report(models.Model):
    """A file generated in the background, asked for by one person: a PDF (or, for the
    dossier export, a ZIP) of one dossier, or of one organisation across its schools (the
    CLB's doorlichting). Exactly one of ``dossier`` and ``organisation`` is set."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    dossier = models.ForeignKey(
        Dossier,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
    )
    # The report's address in URLs: random, so a sequential id cannot be guessed at.
    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    # one of the report kinds the sections register (dossier.core.registry)
    kind = models.CharField(_("kind"), max_length=30)
    # empty for a kind about all school years (ReportKind.yearly False: the export)
    school_year = models.CharField(_("school year"), max_length=9, blank=True)
    # For a kind about one item of its section (ReportKind.requested_from_item: a
    # samenwerkingsgesprek), that item's id; what it points at is the kind's business.
    subject_id = models.PositiveIntegerField(_("about item"), null=True, blank=True)
    # what the lists call that item ("LSC Kempen"), written when the report is asked for
    subject_label = models.CharField(_("about"), max_length=200, blank=True)
    # with the confidential content of its item (a conversation's site codes): only where the
    # kind's check allowed it for the person who asked
    include_confidential = models.BooleanField(_("with confidential content"), default=False)
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
    # when it was last put on the queue: asked for, retried or requeued by the sweep
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    # Stored under a random name outside any public URL; served only by the download view.
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    # how far a long build is (ReportKind.make calls its progress): the status row's bar
    progress_done = models.PositiveIntegerField(_("steps done"), default=0)
    progress_total = models.PositiveIntegerField(_("steps"), default=0)
    progress_note = models.CharField(_("working on"), max_length=200, blank=True)
    # ReportKind.keep_days: when the file is deleted (by the sweep); None: kept
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)
    expired = models.BooleanField(_("deleted after its time"), default=False)

    class Meta:
        # The table kept its name when the model moved out of the dossier app.
        db_table = "dossier_report"
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One generation at a time per person, dossier, kind, year and item (with or
            # without its confidential content): a double click finds the report already
            # waiting. A report about no item (subject_id NULL) counts as one item.
            models.UniqueConstraint(
                fields=[
                    "dossier",
                    "organisation",
                    "kind",
                    "school_year",
                    "requested_by",
                    "subject_id",
                    "include_confidential",
                ],
                condition=Q(status__in=["queued", "running"]),
                nulls_distinct=False,
                name="report_one_pending_per_request",
            ),
            models.CheckConstraint(
                condition=Q(dossier__isnull=True) ^ Q(organisation__isnull=True),
                name="report_of_a_dossier_or_an_organisation",
            ),
        ]
        indexes = [
            # the sweep that deletes files whose time is up
            models.Index(
                fields=["expires_at"],
                condition=Q(expired=False, expires_at__isnull=False),
                name="report_to_expire",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """What the lists call the report: "Samenwerkingsgesprek LSC Kempen 2025-2026"."""
        parts = (self.get_kind_display(), self.subject_label, self.school_year)
        return " ".join(str(part) for part in parts if part)

    def get_kind_display(self) -> str:
        kind = registry.report_kinds.get(self.kind)
        return kind.label if kind else self.kind

    @property
    def pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    def is_stale(self, now: datetime.datetime | None = None) -> bool:
        """Still pending long after it should have finished: its worker or message was lost."""
        now = now or timezone.now()
        if self.status == self.Status.RUNNING:
            return self.started_at is not None and self.started_at < now - stale_after()
        if self.status == self.Status.QUEUED:
            return self.queued_at is not None and self.queued_at < now - stale_after()
        return False

    @property
    def can_be_retried(self) -> bool:
        """The retry button shows for a failed report and for one that has been stuck."""
        return self.status == self.Status.FAILED or self.is_stale()

    @property
    def failure_message(self) -> str:
        """What the status row says of a failed report, in the person's language."""
        code, _colon, reason = self.error.partition(":")
        code, reason = code.strip(), reason.strip()
        if code == Failure.QUEUE_UNAVAILABLE:
            return gettext(
                "The queue that makes reports could not be reached. Your request is kept: "
                "try again in a moment."
            )
        if code == Failure.WORKER_LOST:
            return gettext(
                "Making the report was interrupted several times. Try again; if it happens "
                "again, tell the platform's administrators."
            )
        if code == Failure.TIMED_OUT:
            return gettext(
                "Making the report took too long and was stopped. Try again later; if it "
                "happens again, tell the platform's administrators."
            )
        if code == Failure.NOT_POSSIBLE and reason:
            return gettext("The report could not be made: %(reason)s") % {"reason": reason}
        if code == Failure.NO_ACCESS:
            return gettext(
                "The report was not made: you no longer have access to what it is about."
            )
        return gettext(
            "Something went wrong while making the report. Try again; if it fails again, "
            "tell the platform's administrators."
        )

    @property
    def spec(self):
        return registry.report_kinds.get(self.kind)

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def downloadable(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file) and not self.expired

    def _url(self, name: str) -> str:
        if self.organisation_id is not None:
            return reverse(
                f"rapporten:organisation_{name}",
                kwargs={"organisation_id": self.organisation_id, "reference": self.reference},
            )
        return reverse(
            f"rapporten:{name}", kwargs={"pk": self.dossier_id, "reference": self.reference}
        )

    def status_url(self) -> str:
        return self._url("report_status")

    def download_url(self) -> str:
        return self._url("report_download")

    def retry_url(self) -> str:
        return self._url("report_retry")

    def page_url(self) -> str:
        """The page that lists the report (its row is ``#report-<reference>`` there)."""
        if self.organisation_id is not None:
            spec = self.spec
            return reverse(spec.page_url_name, kwargs={"organisation_id": self.organisation_id})
        return reverse("rapporten:reports", kwargs={"pk": self.dossier_id})

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None
