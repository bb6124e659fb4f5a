import time

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import resolve
from django.utils.translation import gettext as _

from accounts.mfa import mfa_status
from accounts.oidc import assurance_counts_as_mfa

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
    # Logging in again with the government's identity provider, whose second factor may count
    # (accounts.oidc), and allauth's pages for a login there that was cancelled or failed.
    "openid_connect_login",
    "openid_connect_callback",
    "socialaccount_login_cancelled",
    "socialaccount_login_error",
}


# When the person's MFA standing was last found in order (not required, or set up). Kept in the
# session for MFA_RECHECK_SECONDS so that a page does not pay a query for it: a requirement that
# starts meanwhile (a new partner membership) applies within that time, and removing one's own
# authenticator applies at once.
MFA_IN_ORDER_KEY = "_mfa_in_order_at"
# Set when the session's login at the government's identity provider counted as the second
# factor (accounts.oidc.assurance_counts_as_mfa): MFA is in order for as long as the session lasts.
MFA_BY_IDP_KEY = "_mfa_by_idp"


def mfa_in_order(session, user) -> bool:
    if session.get(MFA_BY_IDP_KEY):
        return True
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
        # only this login decides: a password login later in the same session does not inherit
        # the second factor of an earlier one at the IdP (mfa_by_idp_at_login sets it anew)
        request.session.pop(MFA_BY_IDP_KEY, None)
        mfa_in_order(request.session, user)


@receiver(account_signals.user_logged_in, dispatch_uid="accounts.middleware.mfa_by_idp")
def mfa_by_idp_at_login(sender, request, user, sociallogin=None, **kwargs):
    """allauth's own signal, sent after Django's with the login at the IdP, if it was one: its
    second factor counts for the session when its ID token says so (accounts.oidc)."""
    if request is not None and hasattr(request, "session") and assurance_counts_as_mfa(sociallogin):
        request.session[MFA_BY_IDP_KEY] = True


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
