"""Who sees what: the one access module.

Every view gets dossier content through selectors built on this module; nothing else decides
access. The rules (docs/ARCHITECTURE.md, "Who sees what"):

* Effective access to a dossier is a grant (a django-guardian object permission on the dossier)
  AND an active membership of the person's organisation AND, for partner staff, an active
  partnership between that organisation and the school. The school's directie needs no grant:
  it reads everything of its own school and manages access.
* Within a dossier, each section is open to some partner kinds only (``SECTION_RULES``).
* A person who may not see something gets 404; one who may see it but not change it gets 403.
* Platform administrators and superusers have no special rights here.

The same rules are written twice, once as SQL (``_side_q``) and once in Python
(``DossierAccess.from_flags``), both from the same flags; the access matrix test holds them equal.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Membership, Organisation, Partnership, User, active_q
from accounts.roles import (
    PARTNER_KINDS,
    SCHOOL_MANAGER_ROLES,
    ZORGTEAM_ROLES,
    OrganisationKind,
)
from dossier.core.models import Dossier, DossierUserObjectPermission

SCHOOL = OrganisationKind.SCHOOL
CLB = OrganisationKind.CLB
PBD = OrganisationKind.PBD
LSC = OrganisationKind.LSC
ALL_SIDES = frozenset({SCHOOL, CLB, PBD, LSC})

# Grant levels, stored as guardian permissions on the dossier.
PERM_VIEW = "view_dossier"
PERM_CONTRIBUTE = "contribute_dossier"
PERM_MANAGE = "manage_access"


class Section(StrEnum):
    OVERZICHT = "overzicht"
    SIGNALEN = "signalen"
    CONSULTATIES = "consultaties"
    DOCUMENTEN = "documenten"
    AFSPRAKEN = "afspraken"
    OVERLEG = "overleg"
    LEERSTEUN = "leersteun"
    TOEGANG = "toegang"


@dataclass(frozen=True)
class SectionRule:
    reads: frozenset[str]
    writes: frozenset[str]
    # Only people who manage access on the dossier (toegangsbeheer and the audit log).
    managers_only: bool = False


# The need-to-know table. Sections whose audience is set per object (documents, agreements)
# open here to every side that can ever be in that audience; their selectors narrow it further.
SECTION_RULES: dict[Section, SectionRule] = {
    # the dossier's front page: partners, people with access, recent activity
    Section.OVERZICHT: SectionRule(reads=ALL_SIDES, writes=frozenset()),
    # signalen and their aanvullingen
    Section.SIGNALEN: SectionRule(
        reads=frozenset({SCHOOL, CLB, PBD}), writes=frozenset({SCHOOL, CLB})
    ),
    # consultaties: the CLB writes, the school adds remarks (a write of its own kind)
    Section.CONSULTATIES: SectionRule(
        reads=frozenset({SCHOOL, CLB}), writes=frozenset({SCHOOL, CLB})
    ),
    # gedeelde documenten: per document audience (school + CLB by default)
    Section.DOCUMENTEN: SectionRule(reads=ALL_SIDES, writes=ALL_SIDES),
    # samenwerkingsafspraken: the partners each agreement binds
    Section.AFSPRAKEN: SectionRule(reads=ALL_SIDES, writes=ALL_SIDES),
    # structureel overleg: school writes; the partner who keeps the minutes per meeting
    Section.OVERLEG: SectionRule(reads=ALL_SIDES, writes=frozenset({SCHOOL})),
    # samenwerkingsgesprek and leersteunvragen: school and LSC; the CLB reads
    Section.LEERSTEUN: SectionRule(
        reads=frozenset({SCHOOL, LSC, CLB}), writes=frozenset({SCHOOL, LSC})
    ),
    # access management and the audit log: the directie and those it delegates to
    Section.TOEGANG: SectionRule(
        reads=frozenset({SCHOOL}), writes=frozenset({SCHOOL}), managers_only=True
    ),
}


def _flags(*, user, dossier, school, day: datetime.date) -> dict:
    """Boolean subqueries that describe one person's standing in one dossier.

    ``user``, ``dossier`` and ``school`` are each a value or an ``OuterRef``, so that the same
    flags serve a list of dossiers for one person and a list of people for one dossier.
    """

    school_memberships = Membership.objects.filter(
        active_q(day=day), user=user, organisation=school
    )
    grants = DossierUserObjectPermission.objects.filter(user=user, content_object=dossier)
    flags = {
        # an active directie membership at the school itself
        "acc_directie": Exists(school_memberships.filter(role__in=SCHOOL_MANAGER_ROLES)),
        # an active zorgteam membership at the school (needs a grant as well)
        "acc_zorgteam": Exists(school_memberships.filter(role__in=ZORGTEAM_ROLES)),
        # a grant to read (contribute implies read)
        "acc_view": Exists(grants.filter(permission__codename__in=(PERM_VIEW, PERM_CONTRIBUTE))),
        # a grant to add and change content
        "acc_contribute": Exists(grants.filter(permission__codename=PERM_CONTRIBUTE)),
        # a delegated right to manage access
        "acc_manage": Exists(grants.filter(permission__codename=PERM_MANAGE)),
    }
    for kind in PARTNER_KINDS:
        # an active partnership of this kind whose partner the person works for, today
        flags[f"acc_{kind}"] = Exists(
            Partnership.objects.filter(
                active_q(day=day),
                active_q("partner__memberships__", day=day),
                school=school,
                partner_kind=kind,
                partner__memberships__user=user,
            )
        )
    return flags


def _side_q(side: str, *, write: bool) -> Q:
    """The SQL condition for being on ``side`` of a dossier, from the flags above."""
    granted = Q(acc_contribute=True) if write else Q(acc_view=True)
    if side == SCHOOL:
        # the directie always; the zorgteam with a grant
        return Q(acc_directie=True) | (Q(acc_zorgteam=True) & granted)
    # partner staff: an active partnership with their organisation, and a grant
    return Q(**{f"acc_{side}": True}) & granted


def _manager_q() -> Q:
    # the directie, or a zorgteam member to whom it delegated access management
    return Q(acc_directie=True) | (Q(acc_zorgteam=True) & Q(acc_manage=True))


def section_q(section: Section, *, write: bool = False) -> Q:
    rule = SECTION_RULES[section]
    if rule.managers_only:
        return _manager_q()
    sides = rule.writes if write else rule.reads
    condition = Q(pk__in=[])
    for side in sorted(sides):
        condition |= _side_q(side, write=write)
    return condition


@dataclass(frozen=True)
class DossierAccess:
    """One person's effective access to one dossier, as computed from the flags."""

    read_sides: frozenset[str]
    write_sides: frozenset[str]
    can_manage: bool

    @classmethod
    def from_flags(cls, row) -> DossierAccess:
        get = (lambda name: getattr(row, name)) if not isinstance(row, dict) else row.get
        read, write = set(), set()
        # school side: the directie always, the zorgteam with a grant
        if get("acc_directie") or (get("acc_zorgteam") and get("acc_view")):
            read.add(SCHOOL)
        if get("acc_directie") or (get("acc_zorgteam") and get("acc_contribute")):
            write.add(SCHOOL)
        # partner side: an active partnership with their organisation, and a grant
        for kind in PARTNER_KINDS:
            if get(f"acc_{kind}") and get("acc_view"):
                read.add(kind)
            if get(f"acc_{kind}") and get("acc_contribute"):
                write.add(kind)
        can_manage = bool(get("acc_directie") or (get("acc_zorgteam") and get("acc_manage")))
        return cls(frozenset(read), frozenset(write), can_manage)

    @property
    def has_any(self) -> bool:
        return bool(self.read_sides)

    def can_read(self, section: Section) -> bool:
        rule = SECTION_RULES[section]
        if rule.managers_only:
            return self.can_manage
        return bool(self.read_sides & rule.reads)

    def can_write(self, section: Section) -> bool:
        rule = SECTION_RULES[section]
        if rule.managers_only:
            return self.can_manage
        return bool(self.write_sides & rule.writes)

    def readable_sections(self) -> list[Section]:
        return [section for section in Section if self.can_read(section)]

    @property
    def readable_section_names(self) -> set[str]:
        """For templates: ``{% if "signalen" in access.readable_section_names %}``."""
        return {str(section) for section in self.readable_sections()}


NO_ACCESS = DossierAccess(frozenset(), frozenset(), False)


def annotate_dossiers(queryset: QuerySet, user, *, day: datetime.date | None = None) -> QuerySet:
    """Add the access flags of ``user`` to a queryset of dossiers."""
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    flags = _flags(
        user=user.pk,
        dossier=OuterRef("pk"),
        school=OuterRef("school_id"),
        day=day or timezone.localdate(),
    )
    return queryset.annotate(**flags)


def dossiers_for_user(
    user, *, section: Section = Section.OVERZICHT, write: bool = False, queryset=None
) -> QuerySet:
    """The dossiers in which ``user`` may read (or write) ``section``: one query, any size."""
    queryset = Dossier.objects.all() if queryset is None else queryset
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    return annotate_dossiers(queryset, user).filter(section_q(section, write=write))


def dossier_with_access(user, pk, *, queryset=None):
    """The dossier with primary key ``pk`` and the user's access to it, in one query.

    Returns ``(None, NO_ACCESS)`` when it does not exist or the user has no access at all.
    """
    queryset = Dossier.objects.select_related("school") if queryset is None else queryset
    try:
        dossier = annotate_dossiers(queryset, user).get(pk=pk)
    except (Dossier.DoesNotExist, ValueError, TypeError):
        return None, NO_ACCESS
    return dossier, DossierAccess.from_flags(dossier)


def require_section(user, pk, section: Section, *, write: bool = False, queryset=None):
    """The dossier if ``user`` may read (and, with ``write``, change) ``section``.

    Someone who may not read the section gets 404, exactly as for a dossier that does not
    exist; someone who may read but not write gets 403.
    """
    dossier, access = dossier_with_access(user, pk, queryset=queryset)
    # no such dossier, or no effective access at all
    if dossier is None or not (access.has_any or access.can_manage):
        raise Http404
    # the section is closed to this person's side (need-to-know)
    if not access.can_read(section):
        raise Http404
    # may read, may not change
    if write and not access.can_write(section):
        raise PermissionDenied
    return dossier, access


def people_with_access(dossier, *, day: datetime.date | None = None) -> QuerySet:
    """Everyone with effective access to ``dossier`` today, annotated with the flags."""
    flags = _flags(
        user=OuterRef("pk"),
        dossier=dossier.pk,
        school=dossier.school_id,
        day=day or timezone.localdate(),
    )
    return (
        User.objects.filter(is_active=True).annotate(**flags).filter(section_q(Section.OVERZICHT))
    )


def user_flags(user, dossier, *, day: datetime.date | None = None) -> DossierAccess:
    """The access of one person to one dossier (used by services that act on someone else)."""
    flags = _flags(
        user=user.pk, dossier=dossier.pk, school=dossier.school_id, day=day or timezone.localdate()
    )
    row = User.objects.filter(pk=user.pk).annotate(**flags).values(*flags.keys()).first()
    return DossierAccess.from_flags(row or {})


def section_sides(user, dossier, section: Section, *, write: bool = False) -> frozenset[str]:
    """The sides on which ``user`` may read (or write) ``section`` in ``dossier``."""
    access = user_flags(user, dossier)
    rule = SECTION_RULES[section]
    if write:
        return access.write_sides & rule.writes
    return access.read_sides & rule.reads


def partner_organisation_of(user, dossier, kind: str):
    """The organisation of ``kind`` that ``user`` works for and that serves the dossier's school
    today, or None."""
    return (
        Organisation.objects.filter(active_q("memberships__"), memberships__user=user, kind=kind)
        .filter(active_q("served_partnerships__"), served_partnerships__school_id=dossier.school_id)
        .first()
    )


def manages_access_somewhere(user_ref):
    """True when the person holds a delegated right to manage access to any dossier (one of the
    reasons two-factor authentication is required, see accounts.mfa)."""
    return Exists(
        DossierUserObjectPermission.objects.filter(user=user_ref, permission__codename=PERM_MANAGE)
    )
