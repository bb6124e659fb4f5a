"""A person's access to many dossiers at once, for pages that span their schools.

The werkoverzicht counts what needs a person in every dossier they read. Asking
``require_section`` per dossier would be a query each; instead the person's standing (one
query, cached) gives the access to each dossier in Python, and the conditions below turn those
accesses into one SQL filter per section. A person's dossiers fall into very few groups of the
same sides (a CLB medewerker reads all their schools as the CLB), so the filters stay small
whatever the number of schools.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db.models import Q

from dossier.core.access.dossier_access import DossierAccess
from dossier.core.access.queries import audience_q
from dossier.core.access.rules import Section
from dossier.core.access.standing import standing_of


def accesses_in(user, dossiers: Iterable[tuple[int, int]]) -> dict[int, DossierAccess]:
    """The person's access to each ``(dossier id, school id)`` that they may open at all."""
    if not (user.is_authenticated and user.is_active):
        return {}
    standing = standing_of(user)
    result = {}
    for dossier_id, school_id in dossiers:
        access = standing.access(user_id=user.pk, dossier_id=dossier_id, school_id=school_id)
        if access.has_any:
            result[dossier_id] = access
    return result


def reading(accesses: Mapping[int, DossierAccess], section: Section) -> dict[int, DossierAccess]:
    """Of ``accesses``, those of the dossiers in which the person reads ``section``."""
    return {pk: access for pk, access in accesses.items() if access.can_read(section)}


def items_q(accesses: Mapping[int, DossierAccess], *, field: str = "dossier_id") -> Q:
    """Items with an audience of their own (documents, agreements) that the person may read in
    these dossiers: the SQL form of ``can_read_item``, one condition per group of dossiers in
    which they have the same sides."""
    groups: dict[frozenset[str], list[int]] = {}
    for pk, access in accesses.items():
        groups.setdefault(access.read_sides, []).append(pk)
    condition = Q(pk__in=[])
    for sides, ids in groups.items():
        condition |= Q(**{f"{field}__in": sorted(ids)}) & audience_q(_sides_only(sides))
    return condition


def acting_organisations(
    accesses: Mapping[int, DossierAccess], section: Section
) -> dict[tuple[str, int], list[int]]:
    """``(side, organisation id) -> dossier ids`` for each organisation the person writes for
    in ``section``: who they act for when something is asked of their organisation (an
    approval)."""
    result: dict[tuple[str, int], list[int]] = {}
    for pk, access in accesses.items():
        for side in access.sides(section, write=True):
            organisation = access.organisation_id(side)
            if organisation:
                result.setdefault((side, organisation), []).append(pk)
    return result


def _sides_only(sides: frozenset[str]) -> DossierAccess:
    return DossierAccess(read_sides=sides, write_sides=frozenset(), can_manage=False)
