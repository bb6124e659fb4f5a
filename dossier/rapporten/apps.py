from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RapportenConfig(AppConfig):
    """PDF reports made in the background: one pipeline for every section's report kinds."""

    name = "dossier.rapporten"
    label = "rapporten"
    verbose_name = _("Reports")
