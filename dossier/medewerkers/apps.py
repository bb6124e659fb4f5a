from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MedewerkersConfig(AppConfig):
    """The people of an organisation, managed by the organisation itself: invitations by
    e-mail, roles, start and end dates, a CSV import of staff, and the organisation's history
    of changes (issue 13)."""

    name = "dossier.medewerkers"
    label = "medewerkers"
    verbose_name = _("Staff of the organisations")

    def ready(self):
        from accounts.services import membership_changed
        from dossier.medewerkers import nav  # noqa: F401 - connects its login receiver
        from dossier.medewerkers.services import record_membership_change

        membership_changed.connect(
            record_membership_change, dispatch_uid="medewerkers-membership-history"
        )
