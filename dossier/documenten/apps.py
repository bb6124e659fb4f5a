from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentenConfig(AppConfig):
    """Gedeelde documenten: versions, an audience per document, a bin."""

    name = "dossier.documenten"
    label = "documenten"
    verbose_name = _("Shared documents")
