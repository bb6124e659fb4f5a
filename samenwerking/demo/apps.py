from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo region: every persona and section, loaded by load_demo."""

    name = "samenwerking.demo"
    label = "demo"
    verbose_name = _("Demo region")
