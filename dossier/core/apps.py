from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossierConfig(AppConfig):
    """The dossier core: dossiers, grants, the access module, audit, access management."""

    name = "dossier.core"
    # The label predates the move into dossier/core/: tables and migrations keep it.
    label = "dossier"
    verbose_name = _("Dossiers")
