"""What a person may do for their organisation as a whole, outside any one dossier.

Some pages belong to an organisation, not to a school's dossier: an LSC's conversation
template, the ankerpersoon's overview across the LSC's schools. What opens them is an active,
confirmed membership of that organisation in the right role; these rules live here, next to
the dossier rules, and are asked the same way (a page the person may not open answers 404).
"""

from __future__ import annotations

from django.http import Http404

from accounts.models import Membership, membership_active_q
from accounts.roles import ROLES_BY_KIND, OrganisationKind, Role
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


# --- the leersteunraad of an LSC (issue 12) -----------------------------------------------------
# A space per LSC, outside any dossier. Who reads it: the LSC's staff (any LSC role), the
# directie of every school with an active partnership with the LSC (the school sits in the
# council), and the council's members with an account while their membership holds. Who writes
# (members, meetings, allocation rules): the LSC's coördinator only. A school's seat is filled by
# its directie, or by a person of the school the directie designates (only the directie does).

# The roles that run an LSC's leersteunraad: its coördinator only (an ankerpersoon reads).
RAAD_MANAGER_ROLES = frozenset({Role.LSC_COORDINATOR})


def _raad_seats(user) -> dict[int, frozenset[int]]:
    """LSC id -> the schools whose directie the person is there (empty for a member in their
    own name), for each LSC whose council the person sits in or whose affiliated school they
    direct today: one query (a UNION), kept for the request and briefly cached. Every write of
    a council member moves the access generation on (``leersteun.services.raad``)."""
    if not (user.is_authenticated and user.is_active):
        return {}

    def compute():
        from django.apps import apps
        from django.db.models import Exists, F, IntegerField, OuterRef, Q, Value

        from accounts.models import Partnership, active_q

        raad_lid = apps.get_model("leersteun", "RaadLid")
        affiliated = Partnership.objects.filter(
            active_q(), partner_id=OuterRef("lsc_id"), school_id=OuterRef("school_id")
        )
        members = (
            raad_lid.objects.filter(active_q(), user=user)
            .annotate(affiliated=Exists(affiliated))
            # a school's seat lasts only while the school works with the LSC
            .filter(~Q(kind=raad_lid.Kind.SCHOOL) | Q(affiliated=True))
            .annotate(seat_school=Value(None, output_field=IntegerField()))
            .order_by()
            .values_list("lsc_id", "seat_school")
        )
        directed = [
            org
            for org, (kind, roles) in _memberships(user).items()
            if kind == OrganisationKind.SCHOOL and Role.DIRECTIE in roles
        ]
        schools = (
            Partnership.objects.filter(
                active_q(), partner_kind=OrganisationKind.LSC, school_id__in=directed
            )
            .annotate(seat_school=F("school_id"))
            .order_by()
            .values_list("partner_id", "seat_school")
        )
        rows: dict[int, set[int]] = {}
        for lsc_id, school_id in members.union(schools, all=True) if directed else members:
            seats = rows.setdefault(lsc_id, set())
            if school_id is not None:
                seats.add(school_id)
        return {lsc_id: frozenset(seats) for lsc_id, seats in rows.items()}

    return person_cached(user, "raad_seats", compute)


class RaadStanding:
    """One person's standing in one LSC's leersteunraad, computed once per request."""

    def __init__(self, *, read: bool, manage: bool, schools: frozenset[int]):
        self.read = read
        self.manage = manage
        # the affiliated schools whose directie the person is: they designate its representative
        self.schools = schools

    def may_designate(self, school_id: int) -> bool:
        return school_id in self.schools


def raad_standing(user, lsc_id: int) -> RaadStanding:
    """Who reads the council's space: the LSC's staff, the directie of its affiliated schools,
    its members with an account while active (start_date <= today <= end_date). Who writes it:
    only the LSC's coördinator (``RAAD_MANAGER_ROLES``); the ankerpersonen read, as the other
    staff do. Platform administrators get nothing by being one."""
    roles = organisation_roles(user).get(lsc_id)
    seats = _raad_seats(user)
    return RaadStanding(
        read=roles is not None or lsc_id in seats,
        manage=bool((roles or frozenset()) & RAAD_MANAGER_ROLES),
        schools=seats.get(lsc_id, frozenset()),
    )


def require_raad(user, lsc_id: int) -> RaadStanding:
    """404 unless the person reads the LSC's leersteunraad; their standing otherwise."""
    standing = raad_standing(user, lsc_id)
    if not standing.read:
        raise Http404
    return standing


# --- capacity (issue 12): who sees the LSC's load and who sets its ondersteuners' hours -------

# The roles that see the capacity page of an LSC: its coördinator (every partner school) and its
# ankerpersonen (the schools whose dossiers they read). Its ondersteuners have their own page.
CAPACITY_READER_ROLES = frozenset({Role.LSC_COORDINATOR, Role.LSC_ANKERPERSOON})


def may_read_capacity(user, lsc_id: int) -> bool:
    return bool(organisation_roles(user).get(lsc_id, frozenset()) & CAPACITY_READER_ROLES)


def may_manage_capacity(user, lsc_id: int) -> bool:
    """Only the LSC's coördinator sets the ondersteuners' hours and sees every school's load."""
    return may_manage_templates(user, lsc_id)


def require_capacity_reader(user, lsc_id: int) -> bool:
    """404 unless the person sees the LSC's capacity page; True when they see all of it (the
    coördinator), False when only their readable schools (an ankerpersoon)."""
    if not may_read_capacity(user, lsc_id):
        raise Http404
    return may_manage_capacity(user, lsc_id)


# --- the clusters of an LSC (issue 12) ----------------------------------------------------------
# Every staff member of the LSC reads its clusters (require_lsc_staff); its ankerpersonen and
# coördinator make and change them. Which questions a cluster may hold still goes through the
# readable dossier ids.

CLUSTER_MANAGER_ROLES = frozenset({Role.LSC_ANKERPERSOON, Role.LSC_COORDINATOR})


def may_manage_clusters(user, lsc_id: int) -> bool:
    """An ankerpersoon or the coördinator of the LSC makes, changes and fills its clusters."""
    return bool(organisation_roles(user).get(lsc_id, frozenset()) & CLUSTER_MANAGER_ROLES)


# --- the people of an organisation (issue 13) ----------------------------------------------------
# Each organisation manages its own memberships in the app (dossier.medewerkers): one role per
# kind of organisation does it. They invite colleagues, change roles and start dates and end
# memberships of their own organisation only, in the roles its kind has; a directie they invite
# still waits for a second person's confirmation (accounts.services.membership_confirm).
# Anyone else, platform administrators included (they keep the Django admin), gets 404.

PEOPLE_MANAGER_ROLES = frozenset(
    {Role.DIRECTIE, Role.CLB_DIRECTEUR, Role.PBD_VERANTWOORDELIJKE, Role.LSC_COORDINATOR}
)


class PeopleManager:
    """One person's standing as the manager of one organisation's people, for a request: the
    view gets it from ``require_people_manager`` and hands it to the services, which check it
    names the organisation they change."""

    def __init__(self, *, user_id: int, organisation_id: int, kind: str):
        self.user_id = user_id
        self.organisation_id = organisation_id
        self.kind = kind

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles this manager gives: those of their organisation's kind, and no other."""
        return tuple(ROLES_BY_KIND.get(self.kind, ()))

    def manages(self, organisation_id: int) -> bool:
        return organisation_id == self.organisation_id


def managed_organisation_ids(user) -> list[int]:
    """The organisations whose people the person manages today, by id (lowest first)."""
    return sorted(
        org for org, (_kind, roles) in _memberships(user).items() if roles & PEOPLE_MANAGER_ROLES
    )


def people_manager(user, organisation_id: int) -> PeopleManager | None:
    """The person's standing as manager of the organisation's people; None if they are not
    (an active, confirmed membership there in its kind's managing role)."""
    kind, roles = _memberships(user).get(organisation_id, ("", frozenset()))
    if not roles & PEOPLE_MANAGER_ROLES:
        return None
    return PeopleManager(user_id=user.pk, organisation_id=organisation_id, kind=kind)


def require_people_manager(user, organisation_id: int) -> PeopleManager:
    """404 unless the person manages the people of the organisation; their standing otherwise."""
    manager = people_manager(user, organisation_id)
    if manager is None:
        raise Http404
    return manager


# --- the doorlichting across a CLB's schools (issue 14) -------------------------------------

# The roles that see a CLB's doorlichting: figures per school of the signals and consultations
# while the CLB served it, never an item's content, so no grant on the dossiers is needed.
DOORLICHTING_ROLES = frozenset({Role.CLB_DIRECTEUR})


def doorlichting_clb_ids(user) -> list[int]:
    """The CLBs whose doorlichting across their schools the person sees (lowest id first)."""
    return sorted(
        org
        for org, (kind, roles) in _memberships(user).items()
        if kind == OrganisationKind.CLB and roles & DOORLICHTING_ROLES
    )


def may_read_doorlichting(user, organisation_id: int) -> bool:
    return organisation_id in doorlichting_clb_ids(user)


def require_doorlichting_reader(user, organisation_id: int) -> None:
    """404 unless the person is a directeur of this CLB today."""
    if not may_read_doorlichting(user, organisation_id):
        raise Http404
