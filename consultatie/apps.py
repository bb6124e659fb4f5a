from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultatieConfig(AppConfig):
    """Consultatieve leerlingenbegeleiding: short notes that reveal red threads."""

    name = "consultatie"
    verbose_name = _("Consultations")

    def ready(self):
        # The registrations name models and views, which can only be imported once the app
        # registry is ready, so not at the top of this module.
        from consultatie import section

        section.register()
