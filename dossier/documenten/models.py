from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossier.core.models import Audience, Dossier


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
        # The table kept its name when the model moved out of the dossier app.
        db_table = "dossier_document"
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
        # The table kept its name when the model moved out of the dossier app.
        db_table = "dossier_documentversie"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.original_name} v{self.number}"
