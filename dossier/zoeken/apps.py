from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZoekenConfig(AppConfig):
    """One search over the sections that offer a search provider."""

    name = "dossier.zoeken"
    label = "zoeken"
    verbose_name = _("Search")
