from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AfsprakenConfig(AppConfig):
    """Samenwerkingsafspraken: versions approved by every partner they bind."""

    name = "dossier.afspraken"
    label = "afspraken"
    verbose_name = _("Samenwerkingsafspraken")
