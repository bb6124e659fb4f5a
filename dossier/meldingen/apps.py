from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeldingenConfig(AppConfig):
    """E-mail notifications: at once, as a daily digest, or not at all."""

    name = "dossier.meldingen"
    label = "meldingen"
    verbose_name = _("Notifications")

    def ready(self):
        from accounts.services import membership_changed
        from dossier.meldingen.services import notify_membership_decision

        membership_changed.connect(
            notify_membership_decision, dispatch_uid="notify-membership-decision"
        )
        # another platform service tells one person (a report is ready)
        from dossier.core.hooks import person_to_tell
        from dossier.meldingen.services import notify_told_person

        person_to_tell.connect(notify_told_person, dispatch_uid="notify-told-person")
