"""Who manages the people of an organisation (dossier.core.access.organisations)."""

import datetime

import pytest
from django.http import Http404

from accounts.models import Membership, User
from accounts.roles import ROLES_BY_KIND, OrganisationKind, Role
from accounts.tests.factories import MembershipFactory, UserFactory
from dossier.core.access.organisations import (
    PEOPLE_MANAGER_ROLES,
    managed_organisation_ids,
    people_manager,
    require_people_manager,
)

pytestmark = pytest.mark.django_db


def fresh(user):
    return User.objects.get(pk=user.pk)


def test_each_kind_has_exactly_one_managing_role():
    for kind, roles in ROLES_BY_KIND.items():
        assert len(set(roles) & PEOPLE_MANAGER_ROLES) == 1, kind
    assert Role.PBD_VERANTWOORDELIJKE in ROLES_BY_KIND[OrganisationKind.PBD]


@pytest.mark.parametrize(
    ("persona", "organisation"),
    [
        ("clb_directeur", "clb_a"),
        ("directie_a", "school_a"),
        ("pbd_verantwoordelijke", "pbd_a"),
        ("lsc_coordinator", "lsc_a"),
    ],
)
def test_the_managing_role_manages_its_own_organisation_only(staff, persona, organisation):
    user = fresh(getattr(staff, persona))
    own = getattr(staff, organisation)
    manager = require_people_manager(user, own.pk)
    assert manager.manages(own.pk)
    assert set(manager.roles) == set(ROLES_BY_KIND[own.kind])
    assert managed_organisation_ids(user) == [own.pk]
    for other in (staff.clb_other, staff.school_b, staff.clb_a, staff.school_a):
        if other.pk != own.pk:
            assert people_manager(user, other.pk) is None
            with pytest.raises(Http404):
                require_people_manager(user, other.pk)


@pytest.mark.parametrize(
    "persona",
    ["zorg_a", "leerkracht_a", "clb_medewerker_a", "lsc_anker_a", "pbd_begeleider_a"],
)
def test_other_staff_manage_nobody(staff, persona):
    user = fresh(getattr(staff, persona))
    assert managed_organisation_ids(user) == []


def test_a_platform_administrator_manages_nobody_in_the_app(staff):
    admin = fresh(staff.platform_admin)
    assert managed_organisation_ids(admin) == []
    with pytest.raises(Http404):
        require_people_manager(admin, staff.clb_a.pk)


def test_an_ended_or_pending_manager_manages_nothing(staff):
    ended = UserFactory()
    MembershipFactory(
        user=ended,
        organisation=staff.clb_a,
        role=Role.CLB_DIRECTEUR,
        end_date=datetime.date(2021, 1, 1),
    )
    pending = UserFactory()
    MembershipFactory(
        user=pending,
        organisation=staff.school_a,
        role=Role.DIRECTIE,
        status=Membership.Status.PENDING,
    )
    assert managed_organisation_ids(fresh(ended)) == []
    assert managed_organisation_ids(fresh(pending)) == []
