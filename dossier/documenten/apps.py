from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentenConfig(AppConfig):
    """Gedeelde documenten: versions, an audience per document, a bin."""

    name = "dossier.documenten"
    label = "documenten"
    verbose_name = _("Shared documents")

    def ready(self):
        # The registrations name models and views, which can only be imported once the app
        # registry is ready, so not at the top of this module.
        from dossier.documenten import section

        section.register()
