from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverlegConfig(AppConfig):
    """Structureel overleg: participants, data, agenda and decisions."""

    name = "dossier.overleg"
    label = "overleg"
    verbose_name = _("Structural meetings")
