import time

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """Accounts are made by platform administrators; nobody signs up on their own."""
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A login of a few minutes ago counts as a fresh confirmation.

        Someone whose role requires MFA is sent to set it up right after logging in; asking for
        the password a second time there would only be in the way.
        """
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = getattr(self, "request", None)
        if request is None or not request.user.is_authenticated:
            return True
        records = get_authentication_records(request, request.user)
        age = time.time() - records[-1]["at"] if records else None
        return age is None or age >= app_settings.REAUTHENTICATION_TIMEOUT
