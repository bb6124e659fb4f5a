from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AfsprakenConfig(AppConfig):
    """Samenwerkingsafspraken: versions approved by every partner they bind."""

    name = "dossier.afspraken"
    label = "afspraken"
    verbose_name = _("Samenwerkingsafspraken")

    def ready(self):
        # The registrations name models and views, which can only be imported once the app
        # registry is ready, so not at the top of this module.
        from dossier.afspraken import section

        section.register()
