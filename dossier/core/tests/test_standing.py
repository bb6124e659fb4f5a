"""A person's standing gives exactly the access the SQL flags give, and is kept only as long
as nothing it rests on changes.

``dossier_with_access`` and ``user_flags`` compute access in Python from the person's standing
(``dossier.core.access.standing``); the lists compute it in SQL (``annotate_dossiers``). Both
are asked here for every person and every dossier: of the shared region, and of regions of
random memberships, partnerships and grants (roles, statuses and dates on both sides of
today).
"""

import datetime
import random

import pytest
from django.db import connection
from django.db.models import OuterRef
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from accounts.models import Membership, Organisation, Partnership, User
from accounts.roles import ROLES_BY_KIND, OrganisationKind
from accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from conftest import build_full_region
from dossier.core.access import (
    PERM_CONTRIBUTE,
    PERM_MANAGE,
    PERM_VIEW,
    DossierAccess,
    Section,
    annotate_dossiers,
    dossier_roster,
    dossier_with_access,
    people_with_access,
    section_q,
    user_flags,
)
from dossier.core.access.queries import _flags
from dossier.core.access.standing import compute_standing
from dossier.core.models import Dossier
from dossier.core.services import access_revoke

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAYS = [TODAY - datetime.timedelta(days=1), TODAY, TODAY + datetime.timedelta(days=1)]


def sql_access(user, day) -> dict[int, DossierAccess]:
    rows = annotate_dossiers(Dossier.objects.all(), user, day=day, organisations=True)
    return {
        row.pk: DossierAccess.from_flags(
            row, user_id=user.pk, dossier_id=row.pk, school_id=row.school_id
        )
        for row in rows
    }


def sql_people(dossier, day) -> dict[int, DossierAccess]:
    """Everyone with access to ``dossier`` by the SQL flags, as the lists compute them."""
    flags = _flags(user=OuterRef("pk"), dossier=dossier.pk, school=dossier.school_id, day=day)
    people = User.objects.annotate(**flags).filter(section_q(Section.OVERZICHT))
    return {
        person.pk: DossierAccess.from_flags(
            person, user_id=person.pk, dossier_id=dossier.pk, school_id=dossier.school_id
        )
        for person in people
    }


def assert_roster_matches_sql(day) -> None:
    for dossier in Dossier.objects.all():
        roster = dossier_roster(dossier, day=day)
        # the SQL flags without organisations: compare the sides and the manage right
        got = {pk: (a.read_sides, a.write_sides, a.can_manage) for pk, a in roster.items()}
        want = {
            pk: (a.read_sides, a.write_sides, a.can_manage)
            for pk, a in sql_people(dossier, day).items()
        }
        assert got == want, (dossier.pk, day)
        if day == TODAY:
            active = set(
                User.objects.filter(pk__in=want, is_active=True).values_list("pk", flat=True)
            )
            assert set(people_with_access(dossier).values_list("pk", flat=True)) == active


def assert_standing_matches_sql(day) -> int:
    """Every person x every dossier; returns how many pairs have some access."""
    dossiers = list(Dossier.objects.all())
    with_access = 0
    for user in User.objects.all():
        expected = sql_access(user, day)
        standing = compute_standing(user, day=day)
        for dossier in dossiers:
            got = standing.access(
                user_id=user.pk, dossier_id=dossier.pk, school_id=dossier.school_id
            )
            want = expected.get(dossier.pk)
            if want is None:  # a switched-off account: the SQL lists nothing
                assert not user.is_active
                continue
            assert got == want, (user.email, dossier.pk, day)
            with_access += got.has_any or got.can_manage
    return with_access


def test_the_standing_gives_the_sql_access_of_every_persona_in_every_dossier():
    build_full_region()
    assert assert_standing_matches_sql(TODAY) >= 8
    assert_roster_matches_sql(TODAY)


def around_today(rng: random.Random) -> tuple[datetime.date, datetime.date | None]:
    start = TODAY + datetime.timedelta(days=rng.choice([-400, -1, 0, 1]))
    end = rng.choice(
        [None, None, TODAY - datetime.timedelta(days=1), TODAY, TODAY + datetime.timedelta(days=30)]
    )
    if end is not None and end < start:
        end = None
    return start, end


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_standing_gives_the_sql_access_in_random_regions(seed):
    rng = random.Random(seed)
    schools = [OrganisationFactory() for _ in range(3)]
    partners = {
        OrganisationKind.CLB: [OrganisationFactory(clb=True) for _ in range(2)],
        OrganisationKind.PBD: [OrganisationFactory(pbd=True)],
        OrganisationKind.LSC: [OrganisationFactory(lsc=True) for _ in range(2)],
    }
    # a partnership of each kind for most schools, on either side of today
    for school in schools:
        for kind, organisations in partners.items():
            if rng.random() < 0.8:
                start, end = around_today(rng)
                Partnership.objects.create(
                    school=school,
                    partner=rng.choice(organisations),
                    partner_kind=kind,
                    start_date=start,
                    end_date=end,
                )
    organisations = schools + [o for group in partners.values() for o in group]
    dossiers = [school.dossier for school in schools]
    for _ in range(10):
        person = UserFactory(is_active=rng.random() < 0.9)
        for organisation in rng.sample(organisations, rng.randint(1, 3)):
            start, end = around_today(rng)
            MembershipFactory(
                user=person,
                organisation=organisation,
                role=rng.choice(ROLES_BY_KIND[organisation.kind]),
                start_date=start,
                end_date=end,
                status=rng.choice(list(Membership.Status)),
            )
        for dossier in rng.sample(dossiers, rng.randint(0, 3)):
            for codename in rng.sample(
                [PERM_VIEW, PERM_CONTRIBUTE, PERM_MANAGE], rng.randint(1, 2)
            ):
                assign_perm(codename, person, dossier)
    assert Organisation.objects.count() == len(organisations)
    assert sum(assert_standing_matches_sql(day) for day in DAYS) > 0
    for day in DAYS:
        assert_roster_matches_sql(day)


def test_a_request_reads_the_standing_once_and_the_next_request_not_at_all(region):
    medewerker = User.objects.get(pk=region.clb_medewerker_a.pk)
    with CaptureQueriesContext(connection) as first:
        dossier, access = dossier_with_access(medewerker, region.dossier_a.pk)
    assert access.has_any and dossier == region.dossier_a
    assert len(first) == 2  # the dossier, the standing
    with CaptureQueriesContext(connection) as again:
        dossier_with_access(medewerker, region.dossier_b.pk)
    assert len(again) == 1  # only the dossier
    later = User.objects.get(pk=region.clb_medewerker_a.pk)  # the next request
    with CaptureQueriesContext(connection) as next_request:
        assert dossier_with_access(later, region.dossier_a.pk)[1].has_any
    assert len(next_request) == 1


def test_a_revoked_grant_closes_the_dossier_on_the_next_request(client, region):
    client.force_login(region.clb_medewerker_a)
    url = reverse("signalen:list", args=[region.dossier_a.pk])
    assert client.get(url).status_code == 200
    access_revoke(
        dossier=region.dossier_a,
        revoked_by=region.directie_a,
        access=user_flags(region.directie_a, region.dossier_a),
        user=region.clb_medewerker_a,
    )
    assert client.get(url).status_code == 404
    assert not user_flags(User.objects.get(pk=region.clb_medewerker_a.pk), region.dossier_a).has_any


def test_an_ended_partnership_closes_the_dossier_on_the_next_request(client, region):
    from accounts.services import partnership_end

    client.force_login(region.clb_medewerker_a)
    url = reverse("signalen:list", args=[region.dossier_a.pk])
    assert client.get(url).status_code == 200
    partnership = Partnership.objects.get(school=region.school_a, partner=region.clb_a)
    partnership_end(partnership=partnership, end_date=TODAY - datetime.timedelta(days=1))
    assert client.get(url).status_code == 404
