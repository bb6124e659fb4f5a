from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeersteunConfig(AppConfig):
    """The LSC's section: samenwerkingsgesprek, leersteunvragen and the leersteunraad."""

    name = "leersteun"
    verbose_name = _("Leersteun")
