from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Membership, Organisation, Partnership, User
from accounts.roles import SCHOOL_MANAGER_ROLES, OrganisationKind
from dossier.core.access import (
    PERM_CONTRIBUTE,
    PERM_MANAGE,
    DossierAccess,
    Section,
    dossier_roster,
    people_with_access,
    readable_dossier_ids,
)
from dossier.core.models import AuditEvent, Dossier, DossierUserObjectPermission
from dossier.core.registry import registry


def partner_organisations(dossier: Dossier) -> dict[str, list[Organisation]]:
    """The school and its current partners per kind, the organisations an agreement can bind."""
    result: dict[str, list[Organisation]] = {OrganisationKind.SCHOOL: [dossier.school]}
    for partnership in (
        Partnership.objects.active_on()
        .filter(school_id=dossier.school_id)
        .select_related("partner")
    ):
        result.setdefault(partnership.partner_kind, []).append(partnership.partner)
    return result


def dossier_list_for_user(user: User, *, query: str = "") -> QuerySet[Dossier]:
    """The dossiers ``user`` may open, with their current partners: two queries, any size
    (and the person's readable dossier ids, once a minute)."""
    ids = readable_dossier_ids(user, Section.OVERZICHT)
    dossiers = Dossier.objects.filter(pk__in=ids).select_related("school")
    query = query.strip()
    if query:
        dossiers = dossiers.filter(
            Q(school__name__icontains=query)
            | Q(school__instellingsnummer__startswith=query)
            | Q(school__city__icontains=query)
        )
    return dossiers.prefetch_related(
        Prefetch(
            "school__partnerships",
            queryset=Partnership.objects.active_on()
            .select_related("partner")
            .order_by("partner_kind", "partner__name"),
            to_attr="active_partnerships",
        )
    ).order_by("school__name")


def dossier_partnerships(dossier: Dossier) -> tuple[list[Partnership], list[Partnership]]:
    """The school's current partners and its earlier ones (history stays with the dossier):
    one query."""
    current, earlier = [], []
    today = timezone.localdate()
    partnerships = Partnership.objects.filter(school_id=dossier.school_id).select_related("partner")
    for partnership in partnerships.order_by("partner_kind", "-start_date"):
        (current if partnership.is_active_on(today) else earlier).append(partnership)
    return current, earlier


def _relevant_memberships(dossier: Dossier) -> Prefetch:
    partner_ids = (
        Partnership.objects.active_on().filter(school_id=dossier.school_id).values("partner_id")
    )
    return Prefetch(
        "memberships",
        queryset=Membership.objects.active_on()
        .filter(Q(organisation_id=dossier.school_id) | Q(organisation_id__in=partner_ids))
        .select_related("organisation")
        .order_by("organisation__kind"),
        to_attr="relevant_memberships",
    )


def dossier_people(dossier: Dossier) -> list[User]:
    """Everyone who can open the dossier today, with their role there: three queries."""
    roster = dossier_roster(dossier)
    people = people_with_access(dossier, roster=roster).prefetch_related(
        _relevant_memberships(dossier)
    )
    result = []
    for person in people.order_by("last_name", "first_name", "email"):
        person.access = roster[person.pk]
        result.append(person)
    return result


def dossier_recent_activity(dossier: Dossier, access: DossierAccess, *, limit: int = 10):
    sections = [str(section) for section in access.news_sections()]
    return (
        AuditEvent.objects.filter(dossier=dossier, section__in=sections)
        # reading and downloading are audited, but they are not news on the front page
        .exclude(action__in=registry.quiet_actions())
        .select_related("actor", "subject_user")
        .order_by("-created_at", "-pk")[:limit]
    )


@dataclass
class AccessRow:
    user: User
    codenames: set[str] = field(default_factory=set)
    effective: bool = False
    is_directie: bool = False
    memberships: list[Membership] = field(default_factory=list)

    @property
    def can_contribute(self) -> bool:
        return self.is_directie or PERM_CONTRIBUTE in self.codenames

    @property
    def can_manage(self) -> bool:
        return self.is_directie or PERM_MANAGE in self.codenames


def dossier_access_rows(dossier: Dossier) -> list[AccessRow]:
    """The Toegangsbeheer table: the directie, and every grant, effective today or not."""
    rows: dict[int, AccessRow] = {}
    grants = (
        DossierUserObjectPermission.objects.filter(content_object=dossier)
        .select_related("user", "permission")
        .order_by("user__last_name", "user__first_name")
    )
    for grant in grants:
        row = rows.setdefault(grant.user_id, AccessRow(user=grant.user))
        row.codenames.add(grant.permission.codename)
    directie = (
        Membership.objects.active_on()
        .filter(organisation_id=dossier.school_id, role__in=SCHOOL_MANAGER_ROLES)
        .select_related("user")
    )
    for membership in directie:
        row = rows.setdefault(membership.user_id, AccessRow(user=membership.user))
        row.is_directie = True
    roster = dossier_roster(dossier)
    memberships = (
        Membership.objects.active_on()
        .filter(user_id__in=rows.keys())
        .select_related("organisation")
        .order_by("organisation__name")
    )
    for membership in memberships:
        rows[membership.user_id].memberships.append(membership)
    for row in rows.values():
        row.effective = row.user.pk in roster and row.user.is_active
    return sorted(
        rows.values(),
        key=lambda r: (not r.is_directie, not r.effective, r.user.last_name, r.user.first_name),
    )


def access_candidates(dossier: Dossier) -> list[Membership]:
    """People who work at the school or at one of its current partners, for the grant form."""
    partner_ids = (
        Partnership.objects.active_on().filter(school_id=dossier.school_id).values("partner_id")
    )
    return list(
        Membership.objects.active_on()
        .filter(Q(organisation_id=dossier.school_id) | Q(organisation_id__in=partner_ids))
        .filter(user__is_active=True)
        .exclude(role__in=SCHOOL_MANAGER_ROLES)
        .select_related("user", "organisation")
        .order_by("organisation__kind", "organisation__name", "user__last_name")
    )


def audit_events(dossier: Dossier) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(dossier=dossier).select_related("actor", "subject_user")


def pending_memberships(dossier: Dossier):
    """Memberships of the dossier's school that wait for confirmation, oldest first."""
    return (
        Membership.objects.pending()
        .filter(organisation_id=dossier.school_id)
        .select_related("user", "organisation", "created_by")
        .order_by("pk")
    )
