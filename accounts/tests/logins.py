"""Logging in through the real forms, password and then the authenticator code, as a person does."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User

PASSWORD = "een-sterk-wachtwoord"
# The Dutch refusal once a failed-login limit is spent (accounts.adapters.AccountAdapter).
TOO_MANY_ATTEMPTS = "Te veel mislukte aanmeldpogingen"


def post_login(client, email: str, password: str, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def totp_code(user: User) -> str:
    """The code the user's authenticator app shows now; allauth takes each code once per user."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    period = mfa_settings.TOTP_PERIOD
    while True:
        now = time.time()
        remaining = period - now % period
        if remaining > 3:
            code = format_hotp_value(hotp_value(secret, int(now) // period))
            if cache.get(TOTP(authenticator)._get_used_cache_key(code)) is None:
                return code
        time.sleep(remaining + 0.1)


def login_with_totp(client, user: User, password: str = PASSWORD, **extra):
    """The password step and, when it lets the person through, the code step; the last response."""
    response = post_login(client, user.email, password, **extra)
    if response.status_code != 302 or response["Location"] != reverse("mfa_authenticate"):
        return response
    return client.post(reverse("mfa_authenticate"), {"code": totp_code(user)}, **extra)


def logged_in_as(client, user: User) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def page_text(response) -> str:
    return response.content.decode()
