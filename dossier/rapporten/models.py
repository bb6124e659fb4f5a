from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dossier.core.models import Dossier
from dossier.core.registry import registry


class Report(models.Model):
    """A PDF generated in the background for one dossier, asked for by one person."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="reports", verbose_name=_("dossier")
    )
    # one of the report kinds the sections register (dossier.core.registry)
    kind = models.CharField(_("kind"), max_length=30)
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
        # The table kept its name when the model moved out of the dossier app.
        db_table = "dossier_report"
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

    def get_kind_display(self) -> str:
        kind = registry.report_kinds.get(self.kind)
        return kind.label if kind else self.kind

    @property
    def pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None
