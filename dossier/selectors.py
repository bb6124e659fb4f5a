"""Reads for dossiers, built on the access module (samenwerking.access)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Membership, User
from accounts.roles import SCHOOL_MANAGER_ROLES, OrganisationKind
from dossier.models import (
    AfspraakPartij,
    AfspraakVersie,
    AuditEvent,
    Document,
    DocumentVersie,
    Dossier,
    DossierUserObjectPermission,
    Partnership,
    Samenwerkingsafspraak,
    StructureelOverleg,
)
from samenwerking.access import (
    PERM_CONTRIBUTE,
    PERM_MANAGE,
    DossierAccess,
    Section,
    dossiers_for_user,
    people_with_access,
    require_section,
)


def dossier_list_for_user(user: User, *, query: str = "") -> QuerySet[Dossier]:
    """The dossiers ``user`` may open, with their current partners: two queries, any size."""
    dossiers = dossiers_for_user(user).select_related("school")
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
    """The school's current partners and its earlier ones (history stays with the dossier)."""
    current, earlier = [], []
    partnerships = Partnership.objects.filter(school_id=dossier.school_id).select_related("partner")
    active_ids = set(
        Partnership.objects.active_on()
        .filter(school_id=dossier.school_id)
        .values_list("pk", flat=True)
    )
    for partnership in partnerships.order_by("partner_kind", "-start_date"):
        (current if partnership.pk in active_ids else earlier).append(partnership)
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
    people = people_with_access(dossier).prefetch_related(_relevant_memberships(dossier))
    result = []
    for person in people.order_by("last_name", "first_name", "email"):
        person.access = DossierAccess.from_flags(person)
        result.append(person)
    return result


# Reading and downloading are audited, but they are not news on the dossier's front page.
QUIET_ACTIONS = (
    AuditEvent.Action.CONSULTATIE_READ,
    AuditEvent.Action.REPORT_DOWNLOADED,
    AuditEvent.Action.DOCUMENT_DOWNLOADED,
    AuditEvent.Action.AUDIT_EXPORTED,
)
# Sections whose items each have their own audience: an event there could name an item the
# reader may not see, so it stays in the audit log and off the front page.
PER_ITEM_SECTIONS = (Section.DOCUMENTEN, Section.AFSPRAKEN)


def dossier_recent_activity(dossier: Dossier, access: DossierAccess, *, limit: int = 10):
    sections = [
        str(section) for section in access.readable_sections() if section not in PER_ITEM_SECTIONS
    ]
    return (
        AuditEvent.objects.filter(dossier=dossier, section__in=sections)
        .exclude(action__in=QUIET_ACTIONS)
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
    effective_ids = set(people_with_access(dossier).values_list("pk", flat=True))
    memberships = (
        Membership.objects.active_on()
        .filter(user_id__in=rows.keys())
        .select_related("organisation")
        .order_by("organisation__name")
    )
    for membership in memberships:
        rows[membership.user_id].memberships.append(membership)
    for row in rows.values():
        row.effective = row.user.pk in effective_ids
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


# --- documents, agreements, meetings ---------------------------------------------------------


def audience_q(sides) -> Q:
    """Items whose audience includes one of ``sides``; the school sees every item."""
    if OrganisationKind.SCHOOL in sides:
        return Q()
    condition = Q(pk__in=[])
    for kind in (OrganisationKind.CLB, OrganisationKind.PBD, OrganisationKind.LSC):
        if kind in sides:
            condition |= Q(**{f"for_{kind}": True})
    return condition


def documents_for(dossier: Dossier, access: DossierAccess, *, deleted: bool | None = False):
    """The dossier's documents this person's side may see, each with its versions: 2 queries.

    ``deleted``: False for the shared documents, True for the bin, None for both.
    """
    documents = Document.objects.filter(audience_q(access.read_sides), dossier=dossier)
    if deleted is not None:
        documents = documents.filter(deleted_at__isnull=not deleted)
    return documents.select_related("created_by", "deleted_by").prefetch_related(
        Prefetch(
            "versies",
            queryset=DocumentVersie.objects.select_related("uploaded_by").order_by("-number"),
        )
    )


def document_get(user, *, pk, document_pk, write: bool = False, deleted: bool | None = False):
    """(dossier, access, document) or 404 when the document is not in this person's audience."""
    dossier, access = require_section(user, pk, Section.DOCUMENTEN, write=write)
    document = documents_for(dossier, access, deleted=deleted).filter(pk=document_pk).first()
    if document is None:
        raise Http404
    document.dossier = dossier
    return dossier, access, document


def afspraken_for(dossier: Dossier, access: DossierAccess):
    return (
        Samenwerkingsafspraak.objects.filter(audience_q(access.read_sides), dossier=dossier)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "versies",
                queryset=AfspraakVersie.objects.prefetch_related(
                    Prefetch(
                        "partijen",
                        queryset=AfspraakPartij.objects.select_related(
                            "organisation", "approved_by"
                        ),
                    )
                ).order_by("-number"),
            )
        )
    )


def afspraak_get(user, *, pk, afspraak_pk, write: bool = False):
    dossier, access = require_section(user, pk, Section.AFSPRAKEN, write=write)
    afspraak = afspraken_for(dossier, access).filter(pk=afspraak_pk).first()
    if afspraak is None:
        raise Http404
    afspraak.dossier = dossier
    return dossier, access, afspraak


def afspraken_due(dossier: Dossier, access: DossierAccess, *, days_ahead: int = 30):
    """Agreements to evaluate soon (or overdue), for the dossier's overview."""
    limit = timezone.localdate() + datetime.timedelta(days=days_ahead)
    return list(
        Samenwerkingsafspraak.objects.filter(audience_q(access.read_sides), dossier=dossier)
        .filter(
            Q(status=Samenwerkingsafspraak.Status.TO_EVALUATE)
            | Q(status=Samenwerkingsafspraak.Status.APPROVED, evaluation_date__lte=limit)
        )
        .order_by("evaluation_date")[:10]
    )


def overleggen_for(dossier: Dossier):
    return StructureelOverleg.objects.filter(dossier=dossier).select_related("created_by")


def overleg_get(user, *, pk, overleg_pk, write: bool = False):
    dossier, access = require_section(user, pk, Section.OVERLEG)
    overleg = (
        overleggen_for(dossier)
        .prefetch_related(
            Prefetch("documents", queryset=documents_for(dossier, access)),
            Prefetch(
                "afspraken",
                queryset=Samenwerkingsafspraak.objects.filter(audience_q(access.read_sides)),
            ),
        )
        .filter(pk=overleg_pk)
        .first()
    )
    if overleg is None:
        raise Http404
    overleg.dossier = dossier
    return dossier, access, overleg
