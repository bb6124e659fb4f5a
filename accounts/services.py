"""Writes for people, organisations, memberships and partnerships."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.dispatch import Signal

from accounts.models import Membership, Organisation, Partnership, User

# Sent inside the transaction that saves a school, so that the dossier core (a layer above
# accounts, which accounts does not know) gives every school its dossier. Argument: ``school``.
school_saved = Signal()


def partnership_create(
    *,
    school: Organisation,
    partner: Organisation,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
) -> Partnership:
    with transaction.atomic():
        # Serialise partnership changes per school so two overlapping ones cannot both pass.
        Organisation.objects.select_for_update().filter(pk=school.pk).first()
        partnership = Partnership(
            school=school, partner=partner, start_date=start_date, end_date=end_date
        )
        partnership.full_clean()
        partnership.save()
    return partnership


def partnership_end(*, partnership: Partnership, end_date: datetime.date) -> Partnership:
    """Ending a partnership ends the partner staff's access at once (see the access module)."""
    partnership.end_date = end_date
    partnership.full_clean()
    partnership.save(update_fields=["end_date"])
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


def membership_end(*, membership: Membership, end_date: datetime.date) -> Membership:
    """Ending a membership ends that person's access to every dossier at once."""
    membership.end_date = end_date
    membership.full_clean()
    membership.save(update_fields=["end_date"])
    return membership
