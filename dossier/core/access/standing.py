"""A person's standing: the few rows their access to any dossier is computed from.

The access flags of ``queries._flags`` ask, for one dossier, whether the person has a confirmed
membership at the school, a grant on the dossier, and a partnership of their organisation with
the school, all as of today. Those rows are few for one person (their memberships, the
partnerships of the organisations they work for, their grants), so a page that opens one
dossier reads them in one query, keeps them for the request and, like the readable dossier ids,
in the cache for ``ACCESS_CACHE_SECONDS`` under the access generation (``access_changed``), and
derives the flags in Python. The flags are the same as the SQL ones: the tests hold the two
equal for every person and dossier of a region.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import CharField, IntegerField, Value
from django.utils import timezone

from accounts.models import Membership, Partnership, active_q, membership_active_q
from accounts.roles import PARTNER_KINDS, SCHOOL_MANAGER_ROLES, ZORGTEAM_ROLES
from dossier.core.access.dossier_access import NO_ACCESS, DossierAccess
from dossier.core.access.readable import person_cached
from dossier.core.access.rules import PERM_CONTRIBUTE, PERM_MANAGE, PERM_VIEW, Section
from dossier.core.models import DossierUserObjectPermission

_GRANT_CODENAMES = (PERM_VIEW, PERM_CONTRIBUTE, PERM_MANAGE)


@dataclass(frozen=True)
class Standing:
    """What one person's access rests on, today."""

    # schools where the person is directie, or in the zorgteam
    directie: frozenset[int] = frozenset()
    zorgteam: frozenset[int] = frozenset()
    # (school, partner kind) -> the lowest id of the person's organisations serving it so
    partners: dict[tuple[int, str], int] = field(default_factory=dict)
    # dossier -> the codenames of the person's grants on it
    grants: dict[int, frozenset[str]] = field(default_factory=dict)
    # dossier -> its school, for the dossiers of the grants above
    grant_schools: dict[int, int] = field(default_factory=dict)

    def flags(self, *, dossier_id: int, school_id: int) -> dict:
        """The flags ``queries._flags`` computes in SQL, for one dossier."""
        granted = self.grants.get(dossier_id, frozenset())
        flags = {
            "acc_directie": school_id in self.directie,
            "acc_zorgteam": school_id in self.zorgteam,
            "acc_view": bool(granted & {PERM_VIEW, PERM_CONTRIBUTE}),
            "acc_contribute": PERM_CONTRIBUTE in granted,
            "acc_manage": PERM_MANAGE in granted,
        }
        for kind in PARTNER_KINDS:
            organisation = self.partners.get((school_id, kind))
            flags[f"acc_{kind}"] = organisation is not None
            flags[f"acc_{kind}_org"] = organisation
        return flags

    def access(self, *, user_id: int, dossier_id: int, school_id: int) -> DossierAccess:
        return DossierAccess.from_flags(
            self.flags(dossier_id=dossier_id, school_id=school_id),
            user_id=user_id,
            dossier_id=dossier_id,
            school_id=school_id,
        )

    def readable_sections(self) -> frozenset[Section]:
        """The sections the person reads in at least one dossier: the access of each dossier
        they could open (the directie's schools, the dossiers of their grants), no query."""
        # (dossier, school): a grant names its dossier; the directie needs none (and no grant
        # means no dossier id is needed to tell its access)
        candidates = set(self.grant_schools.items())
        candidates |= {(0, school) for school in self.directie}
        sections: set[Section] = set()
        seen = set()  # eighty grants of one CLB medewerker have one and the same set of flags
        for dossier_id, school_id in candidates:
            flags = self.flags(dossier_id=dossier_id, school_id=school_id)
            sides = tuple(sorted((name, bool(value)) for name, value in flags.items()))
            if sides in seen:
                continue
            seen.add(sides)
            access = DossierAccess.from_flags(
                flags, user_id=0, dossier_id=dossier_id, school_id=school_id
            )
            sections.update(section for section in Section if access.can_read(section))
            if len(sections) == len(Section):
                break  # every section found (a directie): no need to look further
        return frozenset(sections)


NO_STANDING = Standing()


def compute_standing(user, *, day: datetime.date | None = None) -> Standing:
    """The person's standing on ``day`` (today), in one query."""
    day = day or timezone.localdate()
    text, number = CharField(), IntegerField()
    memberships = Membership.objects.filter(membership_active_q(day=day), user=user).values_list(
        Value("m", output_field=text), "organisation_id", "role", Value(0, output_field=number)
    )
    # partnerships of today whose partner the person works for today
    partnerships = Partnership.objects.filter(
        active_q(day=day),
        membership_active_q("partner__memberships__", day=day),
        partner__memberships__user=user,
    ).values_list(Value("p", output_field=text), "school_id", "partner_kind", "partner_id")
    grants = DossierUserObjectPermission.objects.filter(
        user=user, permission__codename__in=_GRANT_CODENAMES
    ).values_list(
        Value("g", output_field=text),
        "content_object_id",
        "permission__codename",
        "content_object__school_id",  # a grant's row carries its dossier's school here
    )
    rows = [
        (kind, key, organisation if kind == "g" else key, name, organisation)
        for kind, key, name, organisation in memberships.order_by().union(
            partnerships.order_by(), grants.order_by(), all=True
        )
    ]
    return _standing_from(rows)


def _standing_from(rows) -> Standing:
    """A standing from rows ``(kind, dossier, school, name, organisation)``: "m" a membership
    at ``school`` in role ``name``, "p" a partnership of kind ``name`` of ``organisation``
    with ``school``, "g" a grant ``name`` on ``dossier``."""
    directie, zorgteam = set(), set()
    partners: dict[tuple[int, str], int] = {}
    grant_rows: dict[int, set[str]] = {}
    grant_schools: dict[int, int] = {}
    for kind, dossier, school, name, organisation in rows:
        if kind == "m":
            if name in SCHOOL_MANAGER_ROLES:
                directie.add(school)
            if name in ZORGTEAM_ROLES:
                zorgteam.add(school)
        elif kind == "p":
            if name in PARTNER_KINDS:
                current = partners.get((school, name))
                partners[(school, name)] = (
                    organisation if current is None else min(current, organisation)
                )
        else:
            grant_rows.setdefault(dossier, set()).add(name)
            grant_schools[dossier] = school
    return Standing(
        directie=frozenset(directie),
        zorgteam=frozenset(zorgteam),
        partners=partners,
        grants={dossier: frozenset(names) for dossier, names in grant_rows.items()},
        grant_schools=grant_schools,
    )


def dossier_roster(dossier, *, day: datetime.date | None = None) -> dict[int, DossierAccess]:
    """Everyone who may open ``dossier`` on ``day`` (today), with their access: one query.

    The same rows as a person's standing, seen from the dossier: the grants on it, the
    memberships at its school, and the staff of the partners that serve the school. Whether
    the accounts are switched on is for the caller (``people_with_access``).
    """
    day = day or timezone.localdate()
    text, number = CharField(), IntegerField()
    grants = DossierUserObjectPermission.objects.filter(
        content_object=dossier.pk, permission__codename__in=_GRANT_CODENAMES
    ).values_list(
        Value("g", output_field=text),
        "user_id",
        "permission__codename",
        Value(0, output_field=number),
    )
    school = Membership.objects.filter(
        membership_active_q(day=day), organisation=dossier.school_id
    ).values_list(Value("m", output_field=text), "user_id", "role", Value(0, output_field=number))
    partners = Partnership.objects.filter(
        active_q(day=day),
        membership_active_q("partner__memberships__", day=day),
        school=dossier.school_id,
    ).values_list(
        Value("p", output_field=text), "partner__memberships__user_id", "partner_kind", "partner_id"
    )
    rows: dict[int, list] = {}
    for kind, user_id, name, organisation in grants.order_by().union(
        school.order_by(), partners.order_by(), all=True
    ):
        rows.setdefault(user_id, []).append(
            (kind, dossier.pk, dossier.school_id, name, organisation)
        )
    roster = {}
    for user_id, person_rows in rows.items():
        access = _standing_from(person_rows).access(
            user_id=user_id, dossier_id=dossier.pk, school_id=dossier.school_id
        )
        if access.has_any:
            roster[user_id] = access
    return roster


def standing_of(user) -> Standing:
    """The person's standing today: once per request, and briefly cached."""
    if not (user.is_authenticated and user.is_active):
        return NO_STANDING
    # "standing2": a standing cached before it knew its grants' schools is not read back
    return person_cached(user, "standing2", lambda: compute_standing(user))


def access_in(user, dossier) -> DossierAccess:
    """The access of ``user`` to ``dossier`` from their standing (no query when cached)."""
    if not (user.is_authenticated and user.is_active):
        return NO_ACCESS
    return standing_of(user).access(
        user_id=user.pk, dossier_id=dossier.pk, school_id=dossier.school_id
    )
