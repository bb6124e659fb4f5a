from django.db import models
from django.utils.translation import gettext_lazy as _

from dossier.core.registry import registry


def record_type_label(key: str) -> str:
    kind = registry.retention_types.get(key)
    return kind.label if kind else key


class RetentionPolicy(models.Model):
    """How many school years a closed record of one type is kept after the year it closed in."""

    # one of the retention types the sections register (dossier.core.registry)
    record_type = models.CharField(_("record type"), max_length=20, unique=True)
    school_years = models.PositiveSmallIntegerField(
        _("school years kept after closing"),
        help_text=_("0 deletes a record after the school year in which it was closed."),
    )

    class Meta:
        # The table kept its name when the model moved out of the dossier app.
        db_table = "dossier_retentionpolicy"
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        ordering = ["record_type"]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.school_years}"

    def get_record_type_display(self) -> str:
        return record_type_label(self.record_type)


class DeletionLog(models.Model):
    """What the retention job deleted, and when. Never the content."""

    record_type = models.CharField(max_length=20)
    record_id = models.PositiveBigIntegerField()
    dossier_id = models.PositiveBigIntegerField(null=True)
    closed_at = models.DateTimeField()
    deleted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        # The table kept its name when the model moved out of the dossier app.
        db_table = "dossier_deletionlog"
        verbose_name = _("deletion")
        verbose_name_plural = _("deletions")
        ordering = ["-deleted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id}"

    def get_record_type_display(self) -> str:
        return record_type_label(self.record_type)
