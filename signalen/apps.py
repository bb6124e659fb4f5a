from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalenConfig(AppConfig):
    """Signaalfunctie: the CLB's signals and the partners' four supplements."""

    name = "signalen"
    verbose_name = _("Signals")

    def ready(self):
        # The registrations name models and views, which can only be imported once the app
        # registry is ready, so not at the top of this module.
        from signalen import section

        section.register()
