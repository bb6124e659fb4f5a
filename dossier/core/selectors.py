from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Membership, Organisation, Partnership, User
from accounts.roles import (
    PARTNER_KINDS,
    SCHOOL_GRANTABLE_ROLES,
    SCHOOL_MANAGER_ROLES,
    OrganisationKind,
)
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


def dossiers_matching(user: User, query: str) -> QuerySet[Dossier]:
    """The dossiers ``user`` may open whose school's name, instellingsnummer or municipality
    matches ``query``."""
    ids = readable_dossier_ids(user, Section.OVERZICHT)
    query = query.strip()
    return Dossier.objects.filter(pk__in=ids).filter(
        Q(school__name__icontains=query)
        | Q(school__instellingsnummer__startswith=query)
        | Q(school__city__icontains=query)
    )


def school_lines(user: User, werk, *, query: str = "", by_name: bool = False) -> list:
    """The person's schools from their werkoverzicht, those needing attention first (or by
    name), narrowed to the search: one query when there is a search, none otherwise."""
    lines = werk.by_name() if by_name else werk.by_attention()
    if query.strip():
        matching = set(dossiers_matching(user, query).values_list("pk", flat=True))
        lines = [line for line in lines if line.dossier.pk in matching]
    return lines


def with_partners(dossiers: list[Dossier]) -> None:
    """Give each dossier's school its current partners (``active_partnerships``): one query."""
    prefetch_related_objects(
        [dossier.school for dossier in dossiers],
        Prefetch(
            "partnerships",
            queryset=Partnership.objects.active_on()
            .select_related("partner")
            .order_by("partner_kind", "partner__name"),
            to_attr="active_partnerships",
        ),
    )


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
        # reading and downloading are audited, but they are not news on the front page
        AuditEvent.objects.filter(dossier=dossier, section__in=sections, quiet=False)
        .select_related("actor", "subject_user")
        .order_by("-created_at", "-pk")[:limit]
    )


def newest_audit(dossier: Dossier, access: DossierAccess) -> tuple:
    """The audit log's newest and oldest entry: what the pages that show it add to the page
    cache's key (the log is not part of the dossier's content version). Two steps along the
    index on (dossier, created_at), whatever the log's length; a new entry or a purge of old
    ones moves them."""
    log = AuditEvent.objects.filter(dossier_id=OuterRef("pk")).values("pk")
    return (
        Dossier.objects.filter(pk=dossier.pk)
        .annotate(
            newest=Subquery(log.order_by("-created_at", "-pk")[:1]),
            oldest=Subquery(log.order_by("created_at", "pk")[:1]),
        )
        .values_list("newest", "oldest")
        .first()
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


@dataclass
class Candidate:
    """One person on the grant form: selectable, or shown disabled with the reason."""

    user: User
    role: str
    reason: str = ""

    @property
    def eligible(self) -> bool:
        return not self.reason


@dataclass
class CandidateGroup:
    organisation: Organisation
    current: bool = True  # the school itself, or one of its current partners
    people: list[Candidate] = field(default_factory=list)

    @property
    def ineligible(self) -> list[Candidate]:
        return [candidate for candidate in self.people if not candidate.eligible]


def access_candidates(dossier: Dossier) -> list[CandidateGroup]:
    """The grant form's people, grouped by organisation: the school first, then each current
    partner, then former partners whose staff still hold a grant here. Whoever can never be
    given access (a leerkracht, an administratief medewerker, staff of an organisation that is
    no longer a partner) is listed with the reason, mirroring ``access_grant``, which still
    decides. The directie is left out: it always has full access. One query, any size."""
    partner_ids = (
        Partnership.objects.active_on().filter(school_id=dossier.school_id).values("partner_id")
    )
    granted = DossierUserObjectPermission.objects.filter(content_object=dossier).values("user_id")
    # The three ways onto the form as a union of three index scans: written as one OR, the
    # planner read every membership and every person of the region (14 ms at Flanders size).
    listed = (
        Membership.objects.filter(organisation_id=dossier.school_id)
        .values("pk")
        .order_by()
        .union(
            Membership.objects.filter(organisation_id__in=partner_ids).values("pk").order_by(),
            Membership.objects.filter(user_id__in=granted, organisation__kind__in=PARTNER_KINDS)
            .values("pk")
            .order_by(),
        )
    )
    memberships = (
        Membership.objects.active_on()
        .filter(pk__in=listed, user__is_active=True)
        .select_related("user", "organisation")
        .annotate(
            active_partner=Exists(
                Partnership.objects.active_on().filter(
                    school_id=dossier.school_id, partner_id=OuterRef("organisation_id")
                )
            )
        )
        .order_by("organisation__name", "user__last_name", "user__first_name", "pk")
    )
    by_user: dict[int, list[Membership]] = {}
    for membership in memberships:
        by_user.setdefault(membership.user_id, []).append(membership)

    groups: dict[int, CandidateGroup] = {}
    for person_memberships in by_user.values():
        at_school = [m for m in person_memberships if m.organisation_id == dossier.school_id]
        partners = [m for m in person_memberships if m.organisation_id != dossier.school_id]
        if any(m.role in SCHOOL_MANAGER_ROLES for m in at_school):
            continue
        reason = ""
        if at_school:
            chosen = next((m for m in at_school if m.role in SCHOOL_GRANTABLE_ROLES), at_school[0])
            if chosen.role not in SCHOOL_GRANTABLE_ROLES:
                reason = gettext("only the directie and the zorgteam get access")
        else:
            chosen = next((m for m in partners if m.active_partner), partners[0])
            if not chosen.active_partner:
                reason = gettext("%(org)s is not a current partner of this school") % {
                    "org": chosen.organisation.name
                }
        group = groups.setdefault(
            chosen.organisation_id,
            CandidateGroup(
                organisation=chosen.organisation,
                current=bool(at_school) or chosen.active_partner,
            ),
        )
        group.people.append(
            Candidate(user=chosen.user, role=chosen.get_role_display(), reason=reason)
        )

    def order(group: CandidateGroup):
        organisation = group.organisation
        is_school = organisation.pk == dossier.school_id
        return (not is_school, not group.current, organisation.kind, organisation.name)

    result = sorted(groups.values(), key=order)
    for group in result:
        group.people.sort(key=lambda c: (not c.eligible, c.user.last_name, c.user.first_name))
    return result


def audit_events(dossier: Dossier) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(dossier=dossier).select_related("actor", "subject_user")


def _distinct_in_log(column: str) -> str:
    """Every distinct value of ``column`` in one dossier's log, found by stepping along the
    index on (dossier, column) from one value to the next: as many index steps as there are
    people, however many events each has left (a busy dossier's log holds many thousands,
    since every opened note is recorded)."""
    table = AuditEvent._meta.db_table
    dossier = AuditEvent._meta.get_field("dossier").column
    return (
        f"{column}_steps(id) AS ("  # noqa: S608 - names from the model, the dossier a parameter
        f"SELECT MIN({column}) FROM {table} WHERE {dossier} = %s "
        f"UNION ALL SELECT (SELECT MIN(e.{column}) FROM {table} e "
        f"WHERE e.{dossier} = %s AND e.{column} > {column}_steps.id) "
        f"FROM {column}_steps WHERE {column}_steps.id IS NOT NULL)"
    )


def audit_people(dossier: Dossier) -> QuerySet[User]:
    """Everyone who acted in the dossier's log or whom an entry concerns, by name: the audit
    log's person filter."""
    actor = AuditEvent._meta.get_field("actor").column
    subject = AuditEvent._meta.get_field("subject_user").column
    steps = (
        f"WITH RECURSIVE {_distinct_in_log(actor)}, {_distinct_in_log(subject)} "  # noqa: S608
        f"SELECT id FROM {actor}_steps WHERE id IS NOT NULL "
        f"UNION SELECT id FROM {subject}_steps WHERE id IS NOT NULL"
    )
    people = RawSQL(steps, [dossier.pk] * 4)  # noqa: S611 - the same fixed statement
    return User.objects.filter(pk__in=people).order_by("last_name", "first_name", "pk")


def pending_memberships(dossier: Dossier):
    """Memberships of the dossier's school that wait for confirmation, oldest first."""
    return (
        Membership.objects.pending()
        .filter(organisation_id=dossier.school_id)
        .select_related("user", "organisation", "created_by")
        .order_by("pk")
    )
