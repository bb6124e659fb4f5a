"""A directie membership waits for a second person; pending ones count nowhere."""

import pytest
from django.core.exceptions import ValidationError

from accounts.mfa import mfa_status
from accounts.models import Membership
from accounts.roles import Role
from accounts.services import (
    membership_confirm,
    membership_create,
    membership_delete,
    membership_refuse,
)
from accounts.tests.factories import LONG_AGO, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def pending_directie(school, actor):
    return membership_create(
        user=UserFactory(),
        organisation=school,
        role=Role.DIRECTIE,
        start_date=LONG_AGO,
        actor=actor,
    )


@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_superuser": True}])
def test_platform_staff_must_use_mfa(flags):
    assert mfa_status(UserFactory(**flags)) == (True, False)
    assert mfa_status(UserFactory(with_mfa=True, **flags)) == (True, True)
    assert mfa_status(UserFactory()) == (False, False)


def test_a_directie_membership_is_pending_and_not_active():
    admin = UserFactory(is_staff=True)
    membership = pending_directie(OrganisationFactory(), admin)

    assert membership.status == Membership.Status.PENDING
    assert not membership.is_active_on()
    assert not Membership.objects.active_on().filter(pk=membership.pk).exists()
    # a pending directie is not yet asked for MFA either: it manages nothing
    assert mfa_status(membership.user) == (False, False)


def test_nobody_gives_themselves_a_membership():
    admin = UserFactory(is_staff=True)
    with pytest.raises(ValidationError):
        membership_create(
            user=admin,
            organisation=OrganisationFactory(),
            role=Role.LEERKRACHT,
            start_date=LONG_AGO,
            actor=admin,
        )


def test_the_creator_and_the_person_never_decide():
    admin = UserFactory(is_staff=True)
    membership = pending_directie(OrganisationFactory(), admin)
    with pytest.raises(ValidationError):
        membership_confirm(membership=membership, actor=admin)
    membership.user.is_staff = True
    membership.user.save()
    with pytest.raises(ValidationError):
        membership_confirm(membership=membership, actor=membership.user)
    membership.refresh_from_db()
    assert membership.is_pending


def test_a_second_administrator_decides_once():
    school = OrganisationFactory()
    membership = pending_directie(school, UserFactory(is_staff=True))
    second = UserFactory(is_staff=True)
    membership_refuse(membership=membership, actor=second)
    with pytest.raises(ValidationError):
        membership_confirm(membership=membership, actor=UserFactory(is_staff=True))
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REFUSED
    assert membership.decided_by == second


def test_a_person_without_staff_or_directie_cannot_decide():
    membership = pending_directie(OrganisationFactory(), UserFactory(is_staff=True))
    with pytest.raises(ValidationError):
        membership_confirm(membership=membership, actor=UserFactory())


def test_an_administrator_removes_a_pending_membership_through_the_service():
    admin = UserFactory(is_staff=True)
    membership = pending_directie(OrganisationFactory(), admin)
    membership_delete(membership=membership, actor=UserFactory(is_staff=True))
    assert not Membership.objects.filter(pk=membership.pk).exists()


# --- a directie added by the school's only directie ---------------------


def test_a_directie_added_by_the_only_directie_is_decided_by_an_administrator():
    from accounts.services import may_decide
    from accounts.tests.factories import MembershipFactory

    school = OrganisationFactory()
    only = UserFactory()
    MembershipFactory(user=only, organisation=school, role=Role.DIRECTIE)
    membership = pending_directie(school, only)
    admin = UserFactory(is_staff=True)
    assert not may_decide(membership=membership, actor=only)
    assert may_decide(membership=membership, actor=admin)
    membership_confirm(membership=membership, actor=admin)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.CONFIRMED


def test_a_start_date_moves_only_before_the_membership_starts():
    import datetime

    from django.utils import timezone

    from accounts.services import membership_reschedule
    from accounts.tests.factories import MembershipFactory

    today = timezone.localdate()
    later = MembershipFactory(role=Role.LEERKRACHT, start_date=today + datetime.timedelta(days=5))
    membership_reschedule(membership=later, start_date=today)
    later.refresh_from_db()
    assert later.start_date == today
    with pytest.raises(ValidationError):  # today it has started
        membership_reschedule(membership=later, start_date=today + datetime.timedelta(days=1))
    future = MembershipFactory(start_date=today + datetime.timedelta(days=5))
    with pytest.raises(ValidationError):  # nobody moves their own
        membership_reschedule(membership=future, start_date=today, actor=future.user)
