"""The login with the government's identity provider (ACM/IDM) over OpenID Connect.

allauth runs the protocol (its ``openid_connect`` provider, configured from the environment in
``samenwerking.settings.oidc``); this module decides what a successful login at the IdP means
here:

- who it is: the person linked to the IdP's subject (``sub``, kept as allauth's
  ``SocialAccount.uid`` at the first login), else the one active person whose e-mail address
  the IdP says it verified. That first login links the two; nothing else does, and no person,
  membership or grant is ever made. Anyone else is refused with a Dutch page.
- whether it was a second factor: only when the ID token's ``acr`` or ``amr`` is one that the
  operator listed (OIDC_MFA_ACR_VALUES, OIDC_MFA_AMR_VALUES). Then allauth's MFA step is
  skipped and the session counts as in order (accounts.middleware); otherwise the platform's
  own rules hold as for a password login.
"""

import logging

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa import stages as mfa_stages
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.shortcuts import render

from accounts.models import User

logger = logging.getLogger(__name__)


class Refusal:
    """Why a login at the IdP does not log anyone in here (the page says it in Dutch)."""

    UNKNOWN = "unknown"  # no active person has the e-mail address the IdP verified
    UNVERIFIED = "unverified"  # the IdP gave no e-mail address, or did not verify it
    LINKED_TO_OTHER = "linked_to_other"  # that person is linked to another subject already
    CONNECT = "connect"  # a link asked for from the account pages instead of by logging in
    INCOMPLETE = "incomplete"  # no ID token, or userinfo about another subject


def id_token_claims(sociallogin) -> dict:
    """The claims of the ID token allauth checked (issuer, audience, expiry), not the userinfo's."""
    claims = (sociallogin.account.extra_data or {}).get("id_token")
    return claims if isinstance(claims, dict) else {}


def _identity_claims(sociallogin) -> dict:
    """Where allauth read the subject and the e-mail address: the userinfo when it fetched it."""
    extra = sociallogin.account.extra_data or {}
    userinfo = extra.get("userinfo")
    return userinfo if isinstance(userinfo, dict) else id_token_claims(sociallogin)


def assurance_counts_as_mfa(sociallogin) -> bool:
    """The IdP's login was a second factor, by the acr or amr values the operator listed."""
    if sociallogin is None or sociallogin.account is None:
        return False
    claims = id_token_claims(sociallogin)
    acr = claims.get("acr")
    if isinstance(acr, str) and acr in settings.OIDC_MFA_ACR_VALUES:
        return True
    amr = claims.get("amr")
    if isinstance(amr, list):
        return any(
            isinstance(method, str) and method in settings.OIDC_MFA_AMR_VALUES for method in amr
        )
    return False


def _verified_email(claims: dict) -> str:
    email = claims.get("email")
    verified = claims.get("email_verified")
    # some IdPs send the boolean as a string
    if verified is not True and not (isinstance(verified, str) and verified.lower() == "true"):
        return ""
    return email.strip() if isinstance(email, str) else ""


def person_for_login(request, sociallogin) -> None:
    """allauth's pre_social_login: leave the login to the linked person, link the person with
    the verified e-mail address, or refuse (an ImmediateHttpResponse with the Dutch page)."""
    name = sociallogin.provider.name
    if sociallogin.state.get("process", AuthProcess.LOGIN) != AuthProcess.LOGIN:
        _refuse(request, sociallogin, Refusal.CONNECT, name)
    token = id_token_claims(sociallogin)
    identity = _identity_claims(sociallogin)
    # OpenID Connect Core 5.3.2: the userinfo's sub must be the ID token's
    if not token.get("sub") or str(identity.get("sub")) != str(token.get("sub")):
        _refuse(request, sociallogin, Refusal.INCOMPLETE, name)
    if sociallogin.is_existing:
        # found by the subject: the linked person, whatever e-mail address the IdP gives now
        return
    email = _verified_email(identity)
    if not email:
        _refuse(request, sociallogin, Refusal.UNVERIFIED, name)
    people = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
    if len(people) != 1:
        _refuse(request, sociallogin, Refusal.UNKNOWN, name, email=email)
    person = people[0]
    if SocialAccount.objects.filter(user=person, provider=sociallogin.account.provider).exists():
        # a second subject for the same person would be a second way into the account
        _refuse(request, sociallogin, Refusal.LINKED_TO_OTHER, name, email=email)
    sociallogin.connect(request, person)
    logger.info(
        "OpenID Connect subject %s linked to person %s by verified e-mail address",
        sociallogin.account.uid,
        person.pk,
    )


def _refuse(request, sociallogin, reason: str, name: str, email: str = "") -> None:
    logger.warning(
        "OpenID Connect login of subject %s refused: %s", sociallogin.account.uid, reason
    )
    raise ImmediateHttpResponse(
        render(
            request,
            "accounts/oidc_refused.html",
            {"reason": reason, "provider_name": name, "email": email},
            status=403,
        )
    )


class AuthenticateStage(mfa_stages.AuthenticateStage):
    """allauth's MFA step at login (the authenticator code), which a login at the IdP that
    counts as a second factor does not need (AccountAdapter.get_login_stages puts it in
    allauth's place; its key and page stay allauth's)."""

    def _should_handle(self, request) -> bool:
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if assurance_counts_as_mfa(sociallogin):
            return False
        return super()._should_handle(request)
