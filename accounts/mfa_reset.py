"""Setting up two-factor authentication again, through the person's own e-mail.

Someone who lost their authenticator and their recovery codes asks a platform administrator,
who sends them a link (an admin action); the administrator never removes an authenticator
himself. The link goes to the person's own address and is signed: it names the person and the
authenticators they have now, so it works once (after it, they have none) and not after
``MFA_RESET_HOURS``. Opening it removes them; the person then logs in with their password and
is asked to set up a new authenticator before they reach any dossier.
"""

from __future__ import annotations

import hashlib

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User

SALT = "accounts.mfa_reset"


def _fingerprint(user: User) -> str:
    ids = ",".join(
        str(pk) for pk in user.authenticator_set.order_by("pk").values_list("pk", flat=True)
    )
    return hashlib.sha256(f"{user.pk}:{ids}".encode()).hexdigest()[:32]


def mfa_reset_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "mfa": _fingerprint(user)}, salt=SALT, compress=True)


def user_for_mfa_reset(token: str) -> User | None:
    """The person the link is for, while it is valid; None for a used, old or tampered one."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.MFA_RESET_HOURS * 3600)
        user = User.objects.get(pk=int(data["user"]), is_active=True)
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError, ValueError):
        return None
    if not user.authenticator_set.exists() or data.get("mfa") != _fingerprint(user):
        return None
    return user


def mfa_reset_send(*, user: User) -> bool:
    """E-mail ``user`` the link, to their own address; False for a switched-off account or one
    without an authenticator (there is nothing to set up again)."""
    if not (user.is_active and user.email and user.authenticator_set.exists()):
        return False
    link = settings.SITE_URL.rstrip("/") + reverse(
        "accounts:mfa_reset", kwargs={"token": mfa_reset_token(user)}
    )
    body = render_to_string(
        "accounts/email/mfa_reset.txt",
        {"user": user, "link": link, "hours": settings.MFA_RESET_HOURS},
    )
    subject = _("Set up two-factor authentication again")
    send_mail(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body, None, [user.email])
    return True


def mfa_reset_apply(*, user: User) -> int:
    """Remove the person's authenticators (TOTP and recovery codes); returns how many."""
    with transaction.atomic():
        deleted, _ = Authenticator.objects.filter(user=user).delete()
    return deleted
