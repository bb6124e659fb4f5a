from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossierConfig(AppConfig):
    """The dossier core: dossiers, grants, the access module, audit, access management."""

    name = "dossier.core"
    # The label predates the move into dossier/core/: tables and migrations keep it.
    label = "dossier"
    verbose_name = _("Dossiers")

    def ready(self):
        # The registrations name models, which can only be imported once the app registry is
        # ready, so not at the top of this module.
        from accounts import mfa
        from accounts.services import school_saved
        from dossier.core import access, section
        from dossier.core.services import dossier_for_saved_school

        section.register()
        school_saved.connect(dossier_for_saved_school, dispatch_uid="dossier-for-school")
        mfa.register_requirement(access.manages_access_somewhere)
