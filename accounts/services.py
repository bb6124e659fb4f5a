"""Writes for people, organisations, memberships and partnerships."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import (
    PARTNERSHIP_OVERLAP_CONSTRAINTS,
    Membership,
    MembershipStatus,
    Organisation,
    Partnership,
    User,
)
from accounts.roles import CONFIRMATION_ROLES, SCHOOL_MANAGER_ROLES

# Sent inside the transaction that saves a school, so that the dossier core (a layer above
# accounts, which accounts does not know) gives every school its dossier. Argument: ``school``.
school_saved = Signal()

# Sent inside the transaction of every membership and partnership write, so that the dossier
# core records it in the audit log of each dossier it touches, and the notifications tell the
# school's directie. Arguments: ``membership`` (or ``partnership``), ``actor`` (the person who
# did it; None only for writes outside any request, such as the demo loader) and ``action``
# (one of the constants below). For a deletion the signal is sent just before the row goes.
membership_changed = Signal()
partnership_changed = Signal()

MEMBERSHIP_ADDED = "added"
MEMBERSHIP_PENDING = "pending"  # added, waits for confirmation
MEMBERSHIP_CONFIRMED = "confirmed"
MEMBERSHIP_REFUSED = "refused"
MEMBERSHIP_ENDED = "ended"  # its end date set or changed (None: reopened)
MEMBERSHIP_RESCHEDULED = "rescheduled"  # the start date of one that has not started yet moved
MEMBERSHIP_DELETED = "deleted"
PARTNERSHIP_ADDED = "added"
PARTNERSHIP_ENDED = "ended"
PARTNERSHIP_DELETED = "deleted"


def _lock_partnerships_of(school_id: int) -> None:
    """Serialise partnership writes per school: a second writer waits for the first to commit,
    and its clean() then sees the first one's partnership and names it."""
    Organisation.objects.select_for_update().filter(pk=school_id).first()


def _is_overlap_violation(error: IntegrityError) -> bool:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) in PARTNERSHIP_OVERLAP_CONSTRAINTS


def _is_exclusion_deadlock(error: OperationalError) -> bool:
    """Two transactions that insert overlapping rows at once may each wait for the other while
    PostgreSQL checks the exclusion constraint; it then aborts one of them as a deadlock."""
    cause = error.__cause__
    diag = getattr(cause, "diag", None)
    return getattr(cause, "sqlstate", None) == "40P01" and "exclusion constraint" in (
        getattr(diag, "context", None) or ""
    )


def _partnership_save(partnership: Partnership, **save_options) -> None:
    """Save, turning the database's refusal of an overlap into clean()'s ValidationError.

    The exclusion constraints catch a writer that passed clean() while another transaction,
    not yet committed, wrote an overlapping partnership. By the time PostgreSQL refuses, that
    one has committed, so clean() run again sees it and names it. When PostgreSQL instead
    aborts this writer as a deadlock (both waited for each other), the other one has not
    committed yet: writing once more waits for it, and is then refused as an overlap.
    """
    for attempt in (1, 2):
        try:
            with transaction.atomic():  # a savepoint: the caller's transaction stays usable
                partnership.save(**save_options)
            return
        except OperationalError as error:
            if attempt == 2 or not _is_exclusion_deadlock(error):
                raise
        except IntegrityError as error:
            if not _is_overlap_violation(error):
                raise
            partnership.full_clean()
            raise ValidationError(
                _(
                    "%(school)s already has an overlapping partnership in this period: end that "
                    "partnership first."
                )
                % {"school": partnership.school.name}
            ) from error


def partnership_create(
    *,
    school: Organisation,
    partner: Organisation,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    actor: User | None = None,
) -> Partnership:
    with transaction.atomic():
        _lock_partnerships_of(school.pk)
        partnership = Partnership(
            school=school, partner=partner, start_date=start_date, end_date=end_date
        )
        partnership.full_clean()
        _partnership_save(partnership)
        partnership_changed.send(
            sender=Partnership, partnership=partnership, actor=actor, action=PARTNERSHIP_ADDED
        )
    return partnership


def partnership_end(
    *, partnership: Partnership, end_date: datetime.date | None, actor: User | None = None
) -> Partnership:
    """Ending a partnership ends the partner staff's access at once (see the access module).

    ``end_date=None`` makes it open-ended again, e.g. to undo an end entered by mistake.
    """
    with transaction.atomic():
        _lock_partnerships_of(partnership.school_id)
        partnership.end_date = end_date
        partnership.full_clean()
        _partnership_save(partnership, update_fields=["end_date"])
        partnership_changed.send(
            sender=Partnership, partnership=partnership, actor=actor, action=PARTNERSHIP_ENDED
        )
    return partnership


def partnership_delete(*, partnership: Partnership, actor: User | None = None) -> None:
    """Remove a partnership entered by mistake (a real one ends instead: its history stays)."""
    with transaction.atomic():
        _lock_partnerships_of(partnership.school_id)
        partnership_changed.send(
            sender=Partnership, partnership=partnership, actor=actor, action=PARTNERSHIP_DELETED
        )
        partnership.delete()


def organisation_create(**fields) -> Organisation:
    """Create an organisation; a school gets its dossier in the same transaction."""
    return organisation_save(organisation=Organisation(**fields))


def organisation_save(*, organisation: Organisation) -> Organisation:
    """Validate and save a new or changed organisation (the app, the admin, the CSV import)."""
    with transaction.atomic():
        organisation.full_clean()
        organisation.save()
        if organisation.is_school:
            school_saved.send(sender=Organisation, school=organisation)
    return organisation


def needs_confirmation(role: str) -> bool:
    """Whether a new membership in ``role`` waits for a second person (CONFIRMATION_ROLES)."""
    return role in CONFIRMATION_ROLES


def membership_create(
    *,
    user: User,
    organisation: Organisation,
    role: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    actor: User | None = None,
) -> Membership:
    """Add a membership. One in a role that reads the school's dossier without a grant or
    manages its access (CONFIRMATION_ROLES) is added pending: it gives nothing until the
    school's directie, or for a school without one a second platform administrator, confirms
    it (membership_confirm). Nobody adds a membership for themselves."""
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(
            {"user": _("You cannot give yourself a membership: ask another administrator.")}
        )
    membership = Membership(
        user=user,
        organisation=organisation,
        role=role,
        start_date=start_date,
        end_date=end_date,
        created_by=actor,
        status=MembershipStatus.PENDING if needs_confirmation(role) else MembershipStatus.CONFIRMED,
    )
    membership.full_clean()
    with transaction.atomic():
        membership.save()
        membership_changed.send(
            sender=Membership,
            membership=membership,
            actor=actor,
            action=MEMBERSHIP_PENDING if membership.is_pending else MEMBERSHIP_ADDED,
        )
    return membership


def school_has_directie(school_id: int, *, exclude_pk: int | None = None) -> bool:
    """Whether the school has an active (confirmed) directie today."""
    return (
        Membership.objects.active_on()
        .filter(organisation_id=school_id, role__in=SCHOOL_MANAGER_ROLES)
        .exclude(pk=exclude_pk)
        .exists()
    )


def _deciding_directie_exists(membership: Membership) -> bool:
    """Whether the school has an active directie who may decide on ``membership``: someone
    other than the person who added it and the person it is for. A school whose only directie
    invited a second one (in the app, issue 13) is decided on by a platform administrator, as
    a school without a directie is."""
    return (
        Membership.objects.active_on()
        .filter(organisation_id=membership.organisation_id, role__in=SCHOOL_MANAGER_ROLES)
        .exclude(pk=membership.pk)
        .exclude(user_id__in=[pk for pk in (membership.created_by_id, membership.user_id) if pk])
        .exists()
    )


def may_decide(*, membership: Membership, actor: User) -> bool:
    """Who may confirm or refuse a pending membership: an active directie of its school, or, for
    a school without one (other than whoever added it), a platform administrator; never the
    person who added it, nor the person it is for."""
    if not membership.is_pending or not actor.is_active:
        return False
    if actor.pk in (membership.created_by_id, membership.user_id):
        return False
    if _deciding_directie_exists(membership):
        return (
            Membership.objects.active_on()
            .filter(
                user=actor,
                organisation_id=membership.organisation_id,
                role__in=SCHOOL_MANAGER_ROLES,
            )
            .exists()
        )
    return bool(actor.is_staff)


def _decide(*, membership: Membership, actor: User, status: str, action: str) -> Membership:
    with transaction.atomic():
        # one decision per membership: a second one waits, then sees it is no longer pending
        membership = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("user", "organisation")
            .get(pk=membership.pk)
        )
        if not membership.is_pending:
            raise ValidationError(_("This membership has already been confirmed or refused."))
        if actor.pk == membership.created_by_id:
            raise ValidationError(
                _("You added this membership yourself; someone else has to confirm or refuse it.")
            )
        if actor.pk == membership.user_id:
            raise ValidationError(_("You cannot confirm or refuse your own membership."))
        if not may_decide(membership=membership, actor=actor):
            if _deciding_directie_exists(membership):
                raise ValidationError(
                    _("This school has a directie: only its directie can confirm or refuse this.")
                )
            raise ValidationError(
                _("Only another platform administrator can confirm or refuse this membership.")
            )
        membership.status = status
        membership.decided_by = actor
        membership.decided_at = timezone.now()
        membership.save(update_fields=["status", "decided_by", "decided_at"])
        membership_changed.send(
            sender=Membership, membership=membership, actor=actor, action=action
        )
    return membership


def membership_confirm(*, membership: Membership, actor: User) -> Membership:
    """The membership takes effect (see may_decide for who may confirm it)."""
    return _decide(
        membership=membership,
        actor=actor,
        status=MembershipStatus.CONFIRMED,
        action=MEMBERSHIP_CONFIRMED,
    )


def membership_refuse(*, membership: Membership, actor: User) -> Membership:
    """The membership never takes effect; it stays, refused, so that the attempt is known."""
    return _decide(
        membership=membership,
        actor=actor,
        status=MembershipStatus.REFUSED,
        action=MEMBERSHIP_REFUSED,
    )


def membership_end(
    *, membership: Membership, end_date: datetime.date | None, actor: User | None = None
) -> Membership:
    """Ending a membership ends that person's access to every dossier at once.

    ``end_date=None`` makes it open-ended again, e.g. to undo an end entered by mistake. Nobody
    changes their own membership; and reopening a directie membership that has ended gives the
    power to read the dossier again, so it waits for confirmation like a new one.
    """
    _refuse_own(membership, actor)
    today = timezone.localdate()
    was_over = membership.end_date is not None and membership.end_date < today
    reopens = was_over and (end_date is None or end_date >= today)
    membership.end_date = end_date
    membership.full_clean()
    fields = ["end_date"]
    action = MEMBERSHIP_ENDED
    if reopens and needs_confirmation(membership.role) and not membership.is_pending:
        membership.status = MembershipStatus.PENDING
        membership.created_by = actor
        membership.decided_by = None
        membership.decided_at = None
        fields += ["status", "created_by", "decided_by", "decided_at"]
        action = MEMBERSHIP_PENDING
    with transaction.atomic():
        membership.save(update_fields=fields)
        membership_changed.send(
            sender=Membership, membership=membership, actor=actor, action=action
        )
    return membership


def membership_reschedule(
    *, membership: Membership, start_date: datetime.date, actor: User | None = None
) -> Membership:
    """Move the start date of a membership that has not started yet (a colleague who comes a
    week later, or sooner). Once a membership has started its start date is a record of who
    had which role when, and stays: it ends, and another one begins. Its status stays as it
    was: a directie membership that waits still waits, a confirmed one was confirmed for this
    person in this role."""
    _refuse_own(membership, actor)
    if membership.start_date <= timezone.localdate():
        raise ValidationError(
            {
                "start_date": _(
                    "This membership has already started: its start date stays as a record. "
                    "End it, or change the role from a new date."
                )
            }
        )
    membership.start_date = start_date
    membership.full_clean()
    with transaction.atomic():
        membership.save(update_fields=["start_date"])
        membership_changed.send(
            sender=Membership,
            membership=membership,
            actor=actor,
            action=MEMBERSHIP_RESCHEDULED,
        )
    return membership


def _refuse_own(membership: Membership, actor: User | None) -> None:
    if actor is not None and actor.pk == membership.user_id:
        raise ValidationError(
            _("You cannot change your own membership: ask another administrator.")
        )


def membership_delete(*, membership: Membership, actor: User | None = None) -> None:
    """Remove a membership entered by mistake (a real one ends instead: its history stays)."""
    _refuse_own(membership, actor)
    with transaction.atomic():
        membership_changed.send(
            sender=Membership, membership=membership, actor=actor, action=MEMBERSHIP_DELETED
        )
        membership.delete()
