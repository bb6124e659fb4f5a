"""Two transactions at once: PostgreSQL's exclusion constraints keep one CLB (and one PBD) per
school at a time even for writers that both passed clean() before either committed.

Each writer runs in its own thread, so on its own database connection; a barrier lets both
pass the Python check before either writes.
"""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction

from accounts import services
from accounts.models import PARTNERSHIP_OVERLAP_CONSTRAINTS, Partnership
from accounts.services import partnership_create
from accounts.tests.factories import OrganisationFactory
from tests.threads import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime.date(2025, 9, 1)


@pytest.fixture
def school():
    return OrganisationFactory(name="Basisschool De Regenboog")


def split(outcomes, error_type):
    saved = [o for o in outcomes if isinstance(o, Partnership)]
    refused = [o for o in outcomes if isinstance(o, error_type)]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    return saved[0], refused[0]


def refused_by_the_database(outcomes, constraint_names):
    """One writer saved, the other refused by an exclusion constraint.

    PostgreSQL refuses in one of two ways, depending on timing: a constraint violation when
    the later writer finds the earlier one's row, or a deadlock when both inserted before
    either checked, each then waiting for the other while checking the exclusion constraint.
    """
    saved = [o for o in outcomes if isinstance(o, Partnership)]
    refused = [o for o in outcomes if isinstance(o, IntegrityError | OperationalError)]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    cause = refused[0].__cause__
    if isinstance(refused[0], IntegrityError):
        assert cause.diag.constraint_name in constraint_names
    else:
        assert cause.sqlstate == "40P01"  # deadlock detected
        assert "exclusion constraint" in cause.diag.context
    return saved[0]


def raw_writer(school, partner):
    """A writer that checks and saves without the service's lock (as a raw ORM write would)."""

    def write(barrier):
        with transaction.atomic():
            partnership = Partnership(school=school, partner=partner, start_date=START)
            partnership.full_clean()  # both pass: neither has written yet
            barrier.wait()
            partnership.save()
        return partnership

    return write


def test_the_database_refuses_the_second_of_two_clbs_written_at_once(school):
    first, second = OrganisationFactory(clb=True), OrganisationFactory(clb=True)

    outcomes = run_at_once(raw_writer(school, first), raw_writer(school, second))

    refused_by_the_database(outcomes, PARTNERSHIP_OVERLAP_CONSTRAINTS)
    assert Partnership.objects.filter(school=school).count() == 1


def test_the_database_refuses_the_same_lsc_twice_at_once(school):
    lsc = OrganisationFactory(lsc=True)

    outcomes = run_at_once(raw_writer(school, lsc), raw_writer(school, lsc))

    refused_by_the_database(outcomes, {"partnership_same_partner_once_at_a_time"})
    assert Partnership.objects.filter(school=school).count() == 1


def test_two_different_lscs_at_once_are_both_saved(school):
    outcomes = run_at_once(
        raw_writer(school, OrganisationFactory(lsc=True)),
        raw_writer(school, OrganisationFactory(lsc=True)),
    )

    assert all(isinstance(o, Partnership) for o in outcomes), outcomes
    assert Partnership.objects.filter(school=school).count() == 2


def test_the_service_turns_the_refusal_into_cleans_message(school, monkeypatch):
    """Without the lock, both writers pass clean(); the constraint refuses the later one and
    the service answers with the same message clean() gives, naming the CLB that won."""
    first = OrganisationFactory(clb=True, name="CLB Leie")
    second = OrganisationFactory(clb=True, name="CLB Schelde")
    monkeypatch.setattr(services, "_lock_partnerships_of", lambda school_id: None)
    checked_once = threading.local()
    full_clean = Partnership.full_clean

    def full_clean_then_wait(self, *args, **kwargs):
        full_clean(self, *args, **kwargs)
        if not getattr(checked_once, "done", False):  # the service's check again: no waiting
            checked_once.done = True
            barrier.wait()

    monkeypatch.setattr(Partnership, "full_clean", full_clean_then_wait)
    barrier = threading.Barrier(2, timeout=10)

    def service_writer(partner):
        def write(_):
            return partnership_create(school=school, partner=partner, start_date=START)

        return write

    outcomes = run_at_once(service_writer(first), service_writer(second))

    saved, refused = split(outcomes, ValidationError)
    message = " ".join(refused.messages)
    assert saved.partner.name in message  # names the CLB it clashes with
    assert "01/09/2025" in message
    assert list(Partnership.objects.filter(school=school)) == [saved]


def test_with_the_lock_the_second_writer_waits_and_is_refused(school):
    first, second = OrganisationFactory(clb=True), OrganisationFactory(clb=True)

    def service_writer(partner):
        def write(barrier):
            barrier.wait()
            return partnership_create(school=school, partner=partner, start_date=START)

        return write

    outcomes = run_at_once(service_writer(first), service_writer(second))

    saved, refused = split(outcomes, ValidationError)
    assert saved.partner.name in " ".join(refused.messages)
    assert Partnership.objects.filter(school=school).count() == 1


def test_the_service_keeps_the_callers_transaction_usable(school, monkeypatch):
    """A refusal from the database does not break a surrounding transaction (e.g. an import)."""
    clb = OrganisationFactory(clb=True)
    partnership_create(school=school, partner=clb, start_date=START)
    monkeypatch.setattr(
        Partnership, "overlapping_partnerships", lambda self: Partnership.objects.none()
    )

    with transaction.atomic():
        with pytest.raises(ValidationError, match=school.name):
            partnership_create(
                school=school, partner=OrganisationFactory(clb=True), start_date=START
            )
        # the same transaction goes on
        lsc = partnership_create(
            school=school, partner=OrganisationFactory(lsc=True), start_date=START
        )

    assert Partnership.objects.filter(school=school).count() == 2
    assert lsc.pk
