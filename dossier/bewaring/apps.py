from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BewaringConfig(AppConfig):
    """Retention periods per record type and the nightly purge."""

    name = "dossier.bewaring"
    label = "bewaring"
    verbose_name = _("Retention")
