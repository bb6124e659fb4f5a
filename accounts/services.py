"""Writes for people, organisations, memberships and partnerships."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from accounts.models import (
    PARTNERSHIP_OVERLAP_CONSTRAINTS,
    Membership,
    Organisation,
    Partnership,
    User,
)

# Sent inside the transaction that saves a school, so that the dossier core (a layer above
# accounts, which accounts does not know) gives every school its dossier. Argument: ``school``.
school_saved = Signal()


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
) -> Partnership:
    with transaction.atomic():
        _lock_partnerships_of(school.pk)
        partnership = Partnership(
            school=school, partner=partner, start_date=start_date, end_date=end_date
        )
        partnership.full_clean()
        _partnership_save(partnership)
    return partnership


def partnership_end(*, partnership: Partnership, end_date: datetime.date | None) -> Partnership:
    """Ending a partnership ends the partner staff's access at once (see the access module).

    ``end_date=None`` makes it open-ended again, e.g. to undo an end entered by mistake.
    """
    with transaction.atomic():
        _lock_partnerships_of(partnership.school_id)
        partnership.end_date = end_date
        partnership.full_clean()
        _partnership_save(partnership, update_fields=["end_date"])
    return partnership


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


def membership_create(
    *,
    user: User,
    organisation: Organisation,
    role: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
) -> Membership:
    membership = Membership(
        user=user, organisation=organisation, role=role, start_date=start_date, end_date=end_date
    )
    membership.full_clean()
    membership.save()
    return membership


def membership_end(*, membership: Membership, end_date: datetime.date | None) -> Membership:
    """Ending a membership ends that person's access to every dossier at once.

    ``end_date=None`` makes it open-ended again, e.g. to undo an end entered by mistake.
    """
    membership.end_date = end_date
    membership.full_clean()
    membership.save(update_fields=["end_date"])
    return membership
