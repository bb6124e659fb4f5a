"""A manager changes a colleague's role or start date, ends or removes their membership."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Membership
from accounts.roles import Role
from accounts.services import membership_reschedule
from accounts.tests.factories import MembershipFactory, UserFactory
from dossier.core.models import AuditEvent
from dossier.medewerkers import services
from dossier.medewerkers.models import OrganisationEvent
from dossier.medewerkers.tests.conftest import manager_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def membership_of(user, organisation):
    return Membership.objects.select_related("user", "organisation").get(
        user=user, organisation=organisation
    )


def change(staff, membership, *, role, start_date, by=None):
    actor = by or staff.clb_directeur
    return services.staff_membership_change(
        manager=manager_of(actor, membership.organisation),
        membership=membership,
        role=role,
        start_date=start_date,
        actor=actor,
    )


def test_another_role_ends_the_old_membership_the_day_before(staff):
    old = membership_of(staff.clb_medewerker_a, staff.clb_a)
    start = TODAY() + 7 * DAY
    new = change(staff, old, role=Role.CLB_DIRECTEUR, start_date=start)
    old.refresh_from_db()
    assert old.end_date == start - DAY
    assert (new.role, new.start_date, new.is_pending) == (Role.CLB_DIRECTEUR, start, False)
    actions = list(
        OrganisationEvent.objects.filter(subject_user=staff.clb_medewerker_a).values_list(
            "action", flat=True
        )
    )
    assert set(actions) == {"membership_added", "membership_ended"}
    assert AuditEvent.objects.filter(
        dossier=staff.dossier_a, subject_user=staff.clb_medewerker_a, action="membership_ended"
    ).exists()


def test_a_new_role_does_not_start_in_the_past(staff):
    old = membership_of(staff.clb_medewerker_a, staff.clb_a)
    with pytest.raises(ValidationError) as refused:
        change(staff, old, role=Role.CLB_DIRECTEUR, start_date=TODAY() - DAY)
    assert "start_date" in refused.value.message_dict


def test_a_role_of_another_kind_is_refused_even_from_a_tampered_form(staff):
    old = membership_of(staff.clb_medewerker_a, staff.clb_a)
    for role in (Role.DIRECTIE, Role.PBD_VERANTWOORDELIJKE, "admin"):
        with pytest.raises(ValidationError):
            change(staff, old, role=role, start_date=TODAY())
    assert Membership.objects.filter(user=staff.clb_medewerker_a).count() == 1


def test_becoming_directie_waits_and_the_old_role_stays(staff):
    zorg = membership_of(staff.zorg_a, staff.school_a)
    new = change(staff, zorg, role=Role.DIRECTIE, start_date=TODAY(), by=staff.directie_a)
    assert new.is_pending
    zorg.refresh_from_db()
    assert zorg.end_date is None and zorg.is_active_on()


def test_the_start_date_moves_only_before_the_start(staff):
    later = MembershipFactory(
        user=UserFactory(),
        organisation=staff.clb_a,
        role=Role.CLB_MEDEWERKER,
        start_date=TODAY() + 10 * DAY,
    )
    moved = change(staff, later, role=later.role, start_date=TODAY() + 3 * DAY)
    assert moved.start_date == TODAY() + 3 * DAY
    assert OrganisationEvent.objects.filter(action="membership_rescheduled").exists()
    started = membership_of(staff.clb_medewerker_a, staff.clb_a)
    with pytest.raises(ValidationError) as refused:
        change(staff, started, role=started.role, start_date=TODAY() + DAY)
    assert "start_date" in refused.value.message_dict
    with pytest.raises(ValidationError):
        membership_reschedule(membership=started, start_date=TODAY() + DAY)


def test_nothing_changed_is_no_change(staff):
    old = membership_of(staff.clb_medewerker_a, staff.clb_a)
    assert change(staff, old, role=old.role, start_date=old.start_date) is None


def test_ending_ends_access_and_is_audited(staff):
    membership = membership_of(staff.clb_medewerker_a, staff.clb_a)
    services.staff_membership_end(
        manager=manager_of(staff.clb_directeur, staff.clb_a),
        membership=membership,
        end_date=TODAY() - DAY,
        actor=staff.clb_directeur,
    )
    membership.refresh_from_db()
    assert not membership.is_active_on()
    assert OrganisationEvent.objects.filter(
        organisation=staff.clb_a, action="membership_ended", actor=staff.clb_directeur
    ).exists()


def test_nobody_changes_or_ends_their_own_membership(staff):
    own = membership_of(staff.clb_directeur, staff.clb_a)
    manager = manager_of(staff.clb_directeur, staff.clb_a)
    with pytest.raises(ValidationError):
        change(staff, own, role=Role.CLB_MEDEWERKER, start_date=TODAY())
    with pytest.raises(ValidationError):
        services.staff_membership_end(
            manager=manager, membership=own, end_date=TODAY() - DAY, actor=staff.clb_directeur
        )
    with pytest.raises(ValidationError):
        services.staff_membership_remove(manager=manager, membership=own, actor=staff.clb_directeur)
    own.refresh_from_db()
    assert own.is_active_on() and own.role == Role.CLB_DIRECTEUR


def test_a_membership_of_another_organisation_is_refused(staff):
    other = membership_of(staff.clb_medewerker_other, staff.clb_other)
    manager = manager_of(staff.clb_directeur, staff.clb_a)
    with pytest.raises(PermissionDenied):
        services.staff_membership_end(
            manager=manager, membership=other, end_date=TODAY() - DAY, actor=staff.clb_directeur
        )
    with pytest.raises(PermissionDenied):
        services.staff_membership_change(
            manager=manager,
            membership=other,
            role=Role.CLB_DIRECTEUR,
            start_date=TODAY(),
            actor=staff.clb_directeur,
        )
    with pytest.raises(PermissionDenied):
        services.staff_membership_remove(
            manager=manager, membership=other, actor=staff.clb_directeur
        )


def test_the_last_manager_is_not_ended(staff):
    """The guard itself (the app never reaches it: whoever acts manages the organisation too)."""
    second = UserFactory(with_mfa=True)
    MembershipFactory(user=second, organisation=staff.clb_a, role=Role.CLB_DIRECTEUR)
    own = membership_of(staff.clb_directeur, staff.clb_a)
    services._keeps_a_manager(own, staff.clb_a)  # second remains
    Membership.objects.filter(user=second).delete()
    with pytest.raises(ValidationError):
        services._keeps_a_manager(own, staff.clb_a)


def test_a_membership_that_has_not_started_is_removed_not_ended(staff):
    later = MembershipFactory(
        user=UserFactory(),
        organisation=staff.clb_a,
        role=Role.CLB_MEDEWERKER,
        start_date=TODAY() + 5 * DAY,
    )
    manager = manager_of(staff.clb_directeur, staff.clb_a)
    with pytest.raises(ValidationError):
        services.staff_membership_end(
            manager=manager, membership=later, end_date=TODAY(), actor=staff.clb_directeur
        )
    services.staff_membership_remove(manager=manager, membership=later, actor=staff.clb_directeur)
    assert not Membership.objects.filter(pk=later.pk).exists()
    assert OrganisationEvent.objects.filter(action="membership_deleted").exists()
    started = membership_of(staff.clb_medewerker_a, staff.clb_a)
    with pytest.raises(ValidationError):
        services.staff_membership_remove(
            manager=manager, membership=started, actor=staff.clb_directeur
        )


def test_an_admin_change_lands_in_the_organisations_history_too(staff):
    from accounts.services import membership_create

    membership_create(
        user=UserFactory(),
        organisation=staff.clb_a,
        role=Role.CLB_MEDEWERKER,
        start_date=TODAY(),
        actor=staff.platform_admin,
    )
    event = OrganisationEvent.objects.get(organisation=staff.clb_a)
    assert (event.action, event.actor) == ("membership_added", staff.platform_admin)
