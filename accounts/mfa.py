"""Who must use two-factor authentication before reaching any dossier."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from accounts.models import Membership, User, membership_active_q
from accounts.roles import PARTNER_KINDS, SCHOOL_MANAGER_ROLES

# Further reasons to require MFA, registered by the layers above accounts (the dossier core adds
# "holds a delegated right to manage access"). Each takes ``OuterRef("pk")`` of the user and
# returns a boolean expression, so the standing stays one query.
EXTRA_REQUIREMENTS: list = []


def register_requirement(expression_for_user) -> None:
    if expression_for_user not in EXTRA_REQUIREMENTS:
        EXTRA_REQUIREMENTS.append(expression_for_user)


def mfa_status(user) -> tuple[bool, bool]:
    """(required, configured) for ``user``, in one query.

    Required for staff of a CLB, PBD or LSC, for anyone who manages access to a dossier (the
    directie, and zorgteam members to whom access management was delegated) and for platform
    administrators (``platform_staff``, registered below).
    """
    memberships = Membership.objects.filter(membership_active_q(), user=OuterRef("pk"))
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_mfa=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
            ),
            is_partner_staff=Exists(memberships.filter(organisation__kind__in=PARTNER_KINDS)),
            manages_access=_manages_access(memberships),
        )
        .values("has_mfa", "is_partner_staff", "manages_access")
        .first()
    )
    if row is None:
        return False, False
    required = settings.SAMENWERKING_REQUIRE_MFA and (
        row["is_partner_staff"] or row["manages_access"]
    )
    return bool(required), bool(row["has_mfa"])


def _manages_access(memberships):
    # the directie always manages access; the layers above may add more reasons
    expression = Exists(memberships.filter(role__in=SCHOOL_MANAGER_ROLES))
    for extra in EXTRA_REQUIREMENTS:
        expression |= extra(OuterRef("pk"))
    return expression


def platform_staff(user_ref):
    """Platform administrators (staff or superuser) manage who works where: their password alone
    must not be enough to open the admin."""
    return Exists(User.objects.filter(pk=user_ref).filter(Q(is_staff=True) | Q(is_superuser=True)))


register_requirement(platform_staff)
