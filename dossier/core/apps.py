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
        from accounts.services import membership_changed, partnership_changed, school_saved
        from dossier.core import access, section
        from dossier.core.services import (
            audit_membership_changed,
            audit_partnership_changed,
            dossier_for_saved_school,
        )

        section.register()
        school_saved.connect(dossier_for_saved_school, dispatch_uid="dossier-for-school")
        membership_changed.connect(audit_membership_changed, dispatch_uid="audit-membership")
        partnership_changed.connect(audit_partnership_changed, dispatch_uid="audit-partnership")
        mfa.register_requirement(access.manages_access_somewhere)
