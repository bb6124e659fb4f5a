"""The SQL form of the rules, and the look-ups that compute a person's access.

``_flags`` describes one person's standing in one dossier as boolean subqueries; ``section_q``
and ``audience_q`` turn the need-to-know table and the per-item audiences into SQL conditions.
``DossierAccess.from_flags`` reads the same flags in Python; the tests hold the two equal.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.models import Membership, Partnership, User, active_q, membership_active_q
from accounts.roles import PARTNER_KINDS, SCHOOL_MANAGER_ROLES, ZORGTEAM_ROLES
from dossier.core.access.dossier_access import NO_ACCESS, DossierAccess
from dossier.core.access.rules import (
    PERM_CONTRIBUTE,
    PERM_MANAGE,
    PERM_VIEW,
    SCHOOL,
    SECTION_RULES,
    Section,
)
from dossier.core.access.standing import access_in, compute_standing, dossier_roster
from dossier.core.models import Dossier, DossierUserObjectPermission


def _flags(*, user, dossier, school, day: datetime.date, organisations: bool = False) -> dict:
    """Boolean subqueries that describe one person's standing in one dossier.

    ``user``, ``dossier`` and ``school`` are each a value or an ``OuterRef``, so that the same
    flags serve a list of dossiers for one person and a list of people for one dossier. With
    ``organisations``, also the id of the partner of each kind the person works for that serves
    the school (``acc_<kind>_org``): the organisation on whose behalf they write.
    """
    # only confirmed memberships count (a pending directie reads nothing)
    school_memberships = Membership.objects.filter(
        membership_active_q(day=day), user=user, organisation=school
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
        partnerships = Partnership.objects.filter(
            active_q(day=day),
            membership_active_q("partner__memberships__", day=day),
            school=school,
            partner_kind=kind,
            partner__memberships__user=user,
        )
        flags[f"acc_{kind}"] = Exists(partnerships)
        if organisations:
            flags[f"acc_{kind}_org"] = Subquery(
                partnerships.order_by("partner_id").values("partner_id")[:1]
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


def audience_q(access: DossierAccess) -> Q:
    """Items (documents, agreements) whose audience includes one of the person's sides; the
    school sees every item. The SQL form of ``DossierAccess.can_read_item``."""
    if SCHOOL in access.read_sides:
        return Q()
    condition = Q(pk__in=[])
    for kind in PARTNER_KINDS:
        if kind in access.read_sides:
            condition |= Q(**{f"for_{kind}": True})
    return condition


def annotate_dossiers(
    queryset: QuerySet, user, *, day: datetime.date | None = None, organisations: bool = False
) -> QuerySet:
    """Add the access flags of ``user`` to a queryset of dossiers."""
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    flags = _flags(
        user=user.pk,
        dossier=OuterRef("pk"),
        school=OuterRef("school_id"),
        day=day or timezone.localdate(),
        organisations=organisations,
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


# (pk, dossier, access) that the page cache's decorator found for this request's view
# (dossier.core.pagecache), so the view's own check does not ask again
DOSSIER_MEMO = "_page_dossier"


def dossier_with_access(user, pk, *, queryset=None):
    """The dossier with primary key ``pk`` and the user's access to it.

    One query for the dossier; the access comes from the person's standing (``standing``),
    which a request reads at most once and the cache keeps briefly. Returns
    ``(None, NO_ACCESS)`` when it does not exist or the user has no access at all.
    """
    if not (user.is_authenticated and user.is_active):
        return None, NO_ACCESS
    if queryset is None:
        memo = user.__dict__.get(DOSSIER_MEMO)
        if memo is not None and memo[0] == str(pk):
            return memo[1], memo[2]
    queryset = Dossier.objects.select_related("school") if queryset is None else queryset
    try:
        dossier = queryset.get(pk=pk)
    except (Dossier.DoesNotExist, ValueError, TypeError):
        return None, NO_ACCESS
    return dossier, access_in(user, dossier)


def require_section(user, pk, section: Section, *, write: bool = False, queryset=None):
    """The dossier if ``user`` may read (and, with ``write``, change) ``section``, and the
    person's access: computed here once per request, then handed to services and templates.

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


def people_with_access(dossier, *, day: datetime.date | None = None, roster=None) -> QuerySet:
    """Everyone with effective access to ``dossier`` today whose account is switched on.

    Their access is in the ``roster`` (``standing.dossier_roster``: one query), which a caller
    that needs it computes first and passes in.
    """
    roster = dossier_roster(dossier, day=day) if roster is None else roster
    return User.objects.filter(pk__in=list(roster), is_active=True)


def user_flags(user, dossier, *, day: datetime.date | None = None) -> DossierAccess:
    """The access of one person to one dossier: from their standing (at most one query).

    For someone other than the person acting (a notification's recipient), or for the actor
    outside a request (the demo loader, tests). A view takes the actor's access from
    ``require_section`` instead and hands it on. With ``day``, as of that day.
    """
    if day is None or day == timezone.localdate():
        return access_in(user, dossier)
    if not (user.is_authenticated and user.is_active):
        return NO_ACCESS
    return compute_standing(user, day=day).access(
        user_id=user.pk, dossier_id=dossier.pk, school_id=dossier.school_id
    )


def manages_access_somewhere(user_ref):
    """True when the person holds a delegated right to manage access to any dossier (one of the
    reasons two-factor authentication is required, see accounts.mfa)."""
    return Exists(
        DossierUserObjectPermission.objects.filter(user=user_ref, permission__codename=PERM_MANAGE)
    )
