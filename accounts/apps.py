from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and organisations")

    def ready(self):
        from django.apps import apps

        from accounts import middleware, sessions  # noqa: F401 - connect their login receivers
        from samenwerking.choices import speed_up_displays

        speed_up_displays(apps.get_models())  # every model is loaded before any ready()
