"""What a person can reach across all dossiers: the links of the top navigation and why a list
across schools is empty.

Both come from the person's standing (``standing``: one query, kept for the request and cached
for ``ACCESS_CACHE_SECONDS``) and their memberships (``organisations.organisation_roles``, looked
up at login and cached alike), so a page asks no more of the database for them. Hiding a link
is not access control: the views still answer by ``require_section`` and the readable ids.
"""

from __future__ import annotations

from enum import StrEnum

from accounts.roles import ROLES_BY_KIND, SCHOOL_GRANTABLE_ROLES, OrganisationKind
from dossier.core.access.organisations import organisation_roles
from dossier.core.access.rules import Section
from dossier.core.access.standing import standing_of

# School roles that never read the dossier (a leerkracht, the secretariaat)
NEVER_GRANTED_ROLES = frozenset(ROLES_BY_KIND[OrganisationKind.SCHOOL]) - frozenset(
    SCHOOL_GRANTABLE_ROLES
)


def readable_sections(user) -> frozenset[Section]:
    """The sections the person reads in at least one dossier, today."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    return standing_of(user).readable_sections()


class EmptyReason(StrEnum):
    """Why a list across schools of one section shows nothing."""

    # the person reads the section somewhere: there is just nothing (yet)
    NOTHING_YET = "nothing_yet"
    # the person opens dossiers, but their side never reads this section
    NOT_THIS_SECTION = "not_this_section"
    # no dossier at all: a role at the school that is never given access (a leerkracht)
    ROLE_NEVER_GRANTED = "role_never_granted"
    # no dossier at all: a platform administrator, whose work is in /beheer/
    PLATFORM_ADMIN = "platform_admin"
    # no dossier at all: someone who can be given access (the school's directie decides)
    NO_ACCESS = "no_access"
    # no dossier and no organisation on the platform
    NO_ORGANISATION = "no_organisation"


def empty_reason(user, section: Section = Section.OVERZICHT) -> EmptyReason:
    """Why ``section`` shows the person nothing across their schools (with ``OVERZICHT``: why
    they have no dossier)."""
    sections = readable_sections(user)
    if section in sections:
        return EmptyReason.NOTHING_YET
    if sections:
        return EmptyReason.NOT_THIS_SECTION
    roles = frozenset().union(*organisation_roles(user).values())
    if roles - NEVER_GRANTED_ROLES:
        return EmptyReason.NO_ACCESS  # a role that can be granted: ask for it
    if user.is_staff or user.is_superuser:
        return EmptyReason.PLATFORM_ADMIN
    if roles:
        return EmptyReason.ROLE_NEVER_GRANTED
    return EmptyReason.NO_ORGANISATION


def never_granted_role_labels(user) -> list[str]:
    """The labels of the person's roles that never read a dossier (for the empty state)."""
    roles = frozenset().union(*organisation_roles(user).values()) & NEVER_GRANTED_ROLES
    return sorted(
        str(role.label) for role in ROLES_BY_KIND[OrganisationKind.SCHOOL] if role in roles
    )


def warm_at_login(sender, request, user, **kwargs) -> None:
    """Logging in costs queries anyway: read the person's standing then (the navigation asks
    it on every page), not on the next page."""
    readable_sections(user)
