"""What a person may do for their organisation as a whole, outside any one dossier.

Some pages belong to an organisation, not to a school's dossier: an LSC's conversation
template, the ankerpersoon's overview across the LSC's schools. What opens them is an active,
confirmed membership of that organisation in the right role; these rules live here, next to
the dossier rules, and are asked the same way (a page the person may not open answers 404).
"""

from __future__ import annotations

from django.http import Http404

from accounts.models import Membership, membership_active_q
from accounts.roles import OrganisationKind, Role
from dossier.core.access.readable import person_cached

# The roles that manage an LSC's own conversation template (its staff read it).
TEMPLATE_MANAGER_ROLES = frozenset({Role.LSC_COORDINATOR})


def _memberships(user) -> dict[int, tuple[str, frozenset[str]]]:
    """organisation id -> (its kind, the person's roles there), for today: one query, kept
    for the request and briefly cached like the readable dossier ids."""
    if not (user.is_authenticated and user.is_active):
        return {}

    def compute():
        rows: dict[int, tuple[str, set[str]]] = {}
        for organisation_id, kind, role in Membership.objects.filter(
            membership_active_q(), user=user
        ).values_list("organisation_id", "organisation__kind", "role"):
            rows.setdefault(organisation_id, (kind, set()))[1].add(role)
        return {org: (kind, frozenset(roles)) for org, (kind, roles) in rows.items()}

    return person_cached(user, "organisation_roles", compute)


def organisation_roles(user) -> dict[int, frozenset[str]]:
    """The organisations the person works for today (any kind) and their roles in each."""
    return {org: roles for org, (_kind, roles) in _memberships(user).items()}


def lsc_ids(user) -> list[int]:
    """The LSCs the person works for today, by id (lowest first)."""
    return sorted(
        org for org, (kind, _roles) in _memberships(user).items() if kind == OrganisationKind.LSC
    )


def may_read_templates(user, lsc_id: int) -> bool:
    """Every staff member of the LSC reads its template."""
    return lsc_id in organisation_roles(user)


def may_manage_templates(user, lsc_id: int) -> bool:
    """Only the LSC's coördinator adapts and publishes its template."""
    return bool(organisation_roles(user).get(lsc_id, frozenset()) & TEMPLATE_MANAGER_ROLES)


def require_lsc_staff(user, lsc_id: int, *, manage: bool = False) -> None:
    """404 unless the person works for the LSC (with ``manage``: as its coördinator)."""
    allowed = may_manage_templates(user, lsc_id) if manage else may_read_templates(user, lsc_id)
    if not allowed:
        raise Http404
