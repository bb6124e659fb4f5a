import logging
import time

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.utils.translation import gettext_lazy as _

from accounts import oidc

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The "login_failed" limit counts per account and per address (ACCOUNT_RATE_LIMITS);
        # the same message serves the password step and the code step.
        "too_many_login_attempts": _(
            "Too many failed login attempts for this account or from this network. "
            "Wait five minutes and try again."
        ),
    }

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

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The account a failed login counts against: its email address, nothing else.

        allauth puts the request's host in front (``example.be:443:email``), and any port in
        the Host header passes ALLOWED_HOSTS: varying it gave each attempt a fresh counter.
        allauth calls this for the password step and when a password reset clears the counter.
        """
        login = credentials.get("email", credentials.get("username", ""))
        return login.strip().lower()

    def get_login_stages(self) -> list[str]:
        """allauth's stages, with its MFA step replaced by one that the identity provider's own
        second factor satisfies (accounts.oidc.AuthenticateStage)."""
        return [
            "accounts.oidc.AuthenticateStage"
            if path == "allauth.mfa.stages.AuthenticateStage"
            else path
            for path in super().get_login_stages()
        ]


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """The login with the government's identity provider: it finds an existing person, never
    makes one (accounts.oidc.person_for_login says how)."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def pre_social_login(self, request, sociallogin) -> None:
        oidc.person_for_login(request, sociallogin)

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        # allauth shows its error page; the reason (a wrong issuer, an expired ID token, an IdP
        # that did not answer) is for the operator's log, not for the person.
        logger.warning(
            "OpenID Connect login via %s failed: %s (%r)",
            getattr(provider, "id", provider),
            error,
            exception,
        )
