from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeersteunConfig(AppConfig):
    """The LSC's section: samenwerkingsgesprek, leersteunvragen and the leersteunraad."""

    name = "leersteun"
    verbose_name = _("Leersteun")

    def ready(self):
        # The registrations name models and views, which can only be imported once the app
        # registry is ready, so not at the top of this module.
        from leersteun import nav, section  # noqa: F401 - nav connects its login receiver

        section.register()
