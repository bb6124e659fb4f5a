from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverlegConfig(AppConfig):
    """Structureel overleg: participants, data, agenda and decisions."""

    name = "dossier.overleg"
    label = "overleg"
    verbose_name = _("Structural meetings")

    def ready(self):
        # The registrations name models and views, which can only be imported once the app
        # registry is ready, so not at the top of this module.
        from dossier.overleg import section

        section.register()
