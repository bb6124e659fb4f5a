from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RapportenConfig(AppConfig):
    """PDF reports made in the background: one pipeline for every section's report kinds."""

    name = "dossier.rapporten"
    label = "rapporten"
    verbose_name = _("Reports")

    def ready(self):
        # The registrations name models and views, which can only be imported once the app
        # registry is ready, so not at the top of this module.
        from dossier.rapporten import section

        section.register()
