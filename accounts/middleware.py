from django.contrib import messages
from django.shortcuts import redirect
from django.urls import resolve
from django.utils.translation import gettext as _

from accounts.mfa import mfa_status

# Pages that stay reachable while MFA still has to be set up.
MFA_SETUP_URL_NAMES = {
    "account_logout",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_reauthenticate",
    "account_reauthenticate",
    "account_change_password",
}


class RequireMFAMiddleware:
    """Send people who must use MFA to its setup page until they have set it up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._exempt(request):
            required, configured = mfa_status(user)
            if required and not configured:
                messages.warning(
                    request,
                    _(
                        "Your role requires two-factor authentication. Set up an "
                        "authenticator app before you open a dossier."
                    ),
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _exempt(request) -> bool:
        if request.path.startswith(("/static/",)):
            return True
        try:
            match = resolve(request.path_info)
        except Exception:  # noqa: BLE001 - an unknown path gets its 404 further on
            return True
        return match.url_name in MFA_SETUP_URL_NAMES
