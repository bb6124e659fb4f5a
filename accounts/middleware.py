import time

from allauth.mfa import signals as mfa_signals
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
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
    # the browser's own request for the icon is no page to redirect
    "favicon",
}


# When the person's MFA standing was last found in order (not required, or set up). Kept in the
# session for MFA_RECHECK_SECONDS so that a page does not pay a query for it: a requirement that
# starts meanwhile (a new partner membership) applies within that time, and removing one's own
# authenticator applies at once.
MFA_IN_ORDER_KEY = "_mfa_in_order_at"


def mfa_in_order(session, user) -> bool:
    now = int(time.time())
    if now - session.get(MFA_IN_ORDER_KEY, 0) < settings.MFA_RECHECK_SECONDS:
        return True
    required, configured = mfa_status(user)
    if required and not configured:
        session.pop(MFA_IN_ORDER_KEY, None)
        return False
    session[MFA_IN_ORDER_KEY] = now
    return True


@receiver(user_logged_in, dispatch_uid="accounts.middleware.mfa_at_login")
def mfa_at_login(sender, request, user, **kwargs):
    """Logging in saves the session anyway: check the standing then, not on the next page."""
    if request is not None and hasattr(request, "session"):
        mfa_in_order(request.session, user)


@receiver(mfa_signals.authenticator_removed, dispatch_uid="accounts.middleware.mfa_removed")
@receiver(mfa_signals.authenticator_reset, dispatch_uid="accounts.middleware.mfa_reset")
def mfa_changed(sender, request, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session.pop(MFA_IN_ORDER_KEY, None)


class RequireMFAMiddleware:
    """Send people who must use MFA to its setup page until they have set it up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not self._exempt(request)
            and not mfa_in_order(request.session, user)
        ):
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
