"""Reads for an organisation's people pages: each list is one query for its page, whatever its
length, plus the paginator's count. The view has already asked the access module
(``require_people_manager``); these only ever read the one organisation they are given."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Membership, MembershipStatus, Organisation, User
from dossier.core.models import Dossier
from dossier.medewerkers.models import Invitation, OrganisationEvent
from dossier.medewerkers.services import token_hash

# the state filter of the people list
CURRENT, ACTIVE, PENDING, FUTURE, ENDED, ALL = (
    "current",
    "active",
    "pending",
    "future",
    "ended",
    "all",
)
REFUSED = "refused"  # a row's state only (the filter shows them under ENDED)
# months without a login after which a person is marked on the list (and the filter's choices)
IDLE_MONTHS_DEFAULT = 6
NEVER = "never"


def organisation_get(organisation_id: int) -> Organisation | None:
    return Organisation.objects.filter(pk=organisation_id).first()


def school_dossier_id(organisation: Organisation) -> int | None:
    """The dossier of a school (one query); None for a partner, without asking."""
    if not organisation.is_school:
        return None
    return Dossier.objects.filter(school=organisation).values_list("pk", flat=True).first()


def idle_since(months: int, now: datetime.datetime | None = None) -> datetime.datetime:
    """The moment ``months`` months ago (a month counted as 30 days)."""
    return (now or timezone.now()) - datetime.timedelta(days=30 * months)


def _state_q(state: str, today: datetime.date) -> Q:
    confirmed = Q(status=MembershipStatus.CONFIRMED)
    not_ended = Q(end_date__isnull=True) | Q(end_date__gte=today)
    started = Q(start_date__lte=today)
    return {
        CURRENT: ~Q(status=MembershipStatus.REFUSED) & not_ended,
        ACTIVE: confirmed & started & not_ended,
        PENDING: Q(status=MembershipStatus.PENDING) & not_ended,
        FUTURE: confirmed & ~started & not_ended,
        ENDED: Q(end_date__lt=today) | Q(status=MembershipStatus.REFUSED),
        ALL: Q(),
    }[state]


def state_of(membership: Membership, today: datetime.date) -> str:
    """What a row of the list says: refused, ended, pending, future or active."""
    if membership.status == MembershipStatus.REFUSED:
        return REFUSED
    if membership.end_date is not None and membership.end_date < today:
        return ENDED
    if membership.is_pending:
        return PENDING
    if membership.start_date > today:
        return FUTURE
    return ACTIVE


def organisation_memberships(
    organisation: Organisation,
    *,
    state: str = CURRENT,
    idle: str = "",
    query: str = "",
    role: str = "",
) -> QuerySet[Membership]:
    """The organisation's memberships in ``state``, each with its person (their last login
    on the row), by name. ``idle``: a number of months without a login, or ``never``."""
    today = timezone.localdate()
    rows = Membership.objects.filter(_state_q(state, today), organisation=organisation)
    if idle == NEVER:
        rows = rows.filter(user__last_login__isnull=True)
    elif idle:
        rows = rows.filter(
            Q(user__last_login__isnull=True) | Q(user__last_login__lt=idle_since(int(idle)))
        )
    if role:
        rows = rows.filter(role=role)
    for word in query.split()[:5]:
        rows = rows.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    return rows.select_related("user", "created_by").order_by(
        "user__last_name", "user__first_name", "user__email", "-start_date", "pk"
    )


def organisation_membership(organisation: Organisation, membership_pk: int) -> Membership | None:
    """One membership of the organisation (None for any other's: the view answers 404)."""
    return (
        Membership.objects.filter(pk=membership_pk, organisation=organisation)
        .select_related("user", "organisation")
        .first()
    )


def organisation_invitations(organisation: Organisation, *, open_only: bool = True):
    rows = Invitation.objects.filter(organisation=organisation)
    if open_only:
        rows = rows.filter(status=Invitation.Status.OPEN)
    return rows.select_related("created_by").order_by("-created_at", "-pk")


def organisation_invitation(organisation: Organisation, invitation_pk: int) -> Invitation | None:
    return (
        Invitation.objects.filter(pk=invitation_pk, organisation=organisation)
        .select_related("organisation")
        .first()
    )


def organisation_events(organisation: Organisation) -> QuerySet[OrganisationEvent]:
    return (
        OrganisationEvent.objects.filter(organisation=organisation)
        .select_related("actor", "subject_user")
        .order_by("-created_at", "-pk")
    )


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation whose link carries ``token``, whatever its state (None for a link that
    never was one). A token has 43 characters; anything much longer is no token."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.filter(token_hash=token_hash(token))
        .select_related("organisation", "created_by")
        .first()
    )


def account_for(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()
