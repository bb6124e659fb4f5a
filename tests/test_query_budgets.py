"""Query budgets: list pages and partials cost the same number of queries at any size.

Each page is requested as a non-superuser (a CLB medewerker or the directie) at two sizes; the
count is asserted exactly, with the queries named, so an N+1 shows up as a failure.
"""

import pytest
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)
from conftest import log_in
from dossier.core.access import user_flags
from dossier.core.services import AccessLevel, access_grant

# Every authenticated request costs these before the view runs:
#   1. the session, 2. the user.
# The MFA standing, found in order at login, is kept in the session for a minute
# (accounts.middleware), and the session is saved at most once a minute to move its idle
# timeout (accounts.sessions): a page within that minute reads nothing more and writes nothing.
REQUEST_OVERHEAD = 2
# The werkoverzicht of a CLB medewerker with nothing waiting: one grouped count per kind of
# item (signals and supplements, notes and remarks, documents, agreements due and approvals
# asked, meetings, gesprekken and leersteunvragen, reports).
WERK_COUNTS = 11


def clb_with_schools(count: int):
    """A CLB medewerker with contribute access to ``count`` schools (and the CLB, LSC, PBD)."""
    clb = OrganisationFactory(clb=True)
    pbd = OrganisationFactory(pbd=True)
    lsc = OrganisationFactory(lsc=True)
    medewerker = UserFactory(with_mfa=True)
    MembershipFactory(user=medewerker, organisation=clb, role=Role.CLB_MEDEWERKER)
    dossiers = []
    for _ in range(count):
        school = OrganisationFactory()
        for partner in (clb, pbd, lsc):
            PartnershipFactory(school=school, partner=partner)
        directie = UserFactory(with_mfa=True)
        MembershipFactory(user=directie, organisation=school, role=Role.DIRECTIE)
        access_grant(
            dossier=school.dossier,
            granted_by=directie,
            access=user_flags(directie, school.dossier),
            user=medewerker,
            level=AccessLevel.CONTRIBUTE,
        )
        dossiers.append(school.dossier)
    return medewerker, dossiers


def school_with_people(count: int):
    """The directie of a school whose dossier has ``count`` zorgteam members with access."""
    school = OrganisationFactory()
    clb = OrganisationFactory(clb=True)
    PartnershipFactory(school=school, partner=clb)
    directie = UserFactory(with_mfa=True)
    MembershipFactory(user=directie, organisation=school, role=Role.DIRECTIE)
    for index in range(count):
        person = UserFactory()
        role = Role.ZORGCOORDINATOR if index % 2 else Role.LEERLINGENBEGELEIDER
        MembershipFactory(user=person, organisation=school, role=role)
        access_grant(
            dossier=school.dossier,
            granted_by=directie,
            access=user_flags(directie, school.dossier),
            user=person,
            level=AccessLevel.VIEW,
        )
        colleague = UserFactory(with_mfa=True)
        MembershipFactory(user=colleague, organisation=clb, role=Role.CLB_MEDEWERKER)
        access_grant(
            dossier=school.dossier,
            granted_by=directie,
            access=user_flags(directie, school.dossier),
            user=colleague,
            level=AccessLevel.VIEW,
        )
    return directie, school.dossier


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 60])
def test_mijn_dossiers_costs_the_same_at_2_and_60_dossiers(
    client, django_assert_num_queries, count
):
    medewerker, _dossiers = clb_with_schools(count)
    log_in(client, medewerker)
    # 1. the ids of the dossiers the person reads (then cached a minute, access.readable),
    # 2. the sum of their content versions (the page cache's key), 3. the dossiers, 4. the
    # werkoverzicht's counts with nothing to list (WERK_COUNTS), 5. the partners of the
    # page's schools; tests/test_werkoverzicht.py has the full page
    with django_assert_num_queries(REQUEST_OVERHEAD + 4 + WERK_COUNTS):
        response = client.get(reverse("dossier:mijn_dossiers"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 25)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 60])
def test_dossier_search_partial_costs_the_same_at_2_and_60_dossiers(
    client, django_assert_num_queries, count
):
    medewerker, dossiers = clb_with_schools(count)
    log_in(client, medewerker)
    number = dossiers[-1].school.instellingsnummer
    # as above, and the dossiers matching the search
    with django_assert_num_queries(REQUEST_OVERHEAD + 5 + WERK_COUNTS):
        response = client.get(
            reverse("dossier:mijn_dossiers"),
            {"q": number},
            headers={"HX-Request": "true", "HX-Target": "dossier-results"},
        )
    assert response.status_code == 200
    assert [line.dossier.pk for line in response.context["page"].object_list] == [dossiers[-1].pk]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 60])
def test_dossier_overview_costs_the_same_at_2_and_60_dossiers(
    client, django_assert_num_queries, count
):
    medewerker, dossiers = clb_with_schools(count)
    log_in(client, medewerker)
    # 1. the dossier (the access from the person's standing), 2. the audit log's newest and
    # oldest entry, for its recent activity (the page cache's key), 3. the partnerships,
    # 4. who has access (the dossier's roster), 5. those people, 6. their roles at the school
    # and its partners, 7. recent activity, 8. the signals with recent activity, 9. agreements
    # to evaluate
    with django_assert_num_queries(REQUEST_OVERHEAD + 9):
        response = client.get(reverse("dossier:overview", kwargs={"pk": dossiers[0].pk}))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 40])
def test_overview_and_access_pages_cost_the_same_with_2_and_40_people(
    client, django_assert_num_queries, count
):
    directie, dossier = school_with_people(count)
    log_in(client, directie)
    # as above: 9 queries, whatever the number of people
    with django_assert_num_queries(REQUEST_OVERHEAD + 9):
        response = client.get(reverse("dossier:overview", kwargs={"pk": dossier.pk}))
    assert len(response.context["people"]) == 2 * count + 1
    # 1. the dossier, 2. the audit log's newest and oldest entry (the page cache's key),
    # 3. the grants, 4. the directie, 5. who is effective (the dossier's roster), 6. their
    # memberships, 7. the candidates for the grant form, 8. how many memberships wait for
    # confirmation
    with django_assert_num_queries(REQUEST_OVERHEAD + 8):
        response = client.get(reverse("dossier:toegangsbeheer", kwargs={"pk": dossier.pk}))
    assert len(response.context["rows"]) == 2 * count + 1
    # 1. the dossier, 2. the audit log's newest and oldest entry (the page cache's key),
    # 3. the people in the person filter, 4. the count, 5. the page of events
    with django_assert_num_queries(REQUEST_OVERHEAD + 5):
        response = client.get(reverse("dossier:auditlog", kwargs={"pk": dossier.pk}))
    # the grants, and the partnership made at the set-up
    assert response.context["page"].paginator.count == 2 * count + 1


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 20])
def test_reports_page_costs_the_same_at_2_and_20_reports(client, django_assert_num_queries, count):
    import datetime

    from django.utils import timezone

    from dossier.rapporten.models import Report

    directie, dossier = school_with_people(1)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    statuses = [Report.Status.DONE, Report.Status.FAILED, Report.Status.RUNNING]
    for index in range(count):
        Report.objects.create(
            dossier=dossier,
            kind="signalenoverzicht",
            school_year=f"{2000 + index}-{2001 + index}",
            requested_by=directie,
            status=statuses[index % 3],
            started_at=long_ago,
            file="reports/x.pdf" if index % 3 == 0 else "",
        )
    log_in(client, directie)
    # 1. the dossier with the access flags, 2. the person's reports
    with django_assert_num_queries(REQUEST_OVERHEAD + 2):
        response = client.get(reverse("rapporten:reports", kwargs={"pk": dossier.pk}))
    assert response.status_code == 200
    assert len(response.context["reports"]) == count
    # every row links by its reference; the failed and the stuck ones offer the retry
    content = response.content.decode()
    assert content.count("/opnieuw/") == count - len(range(0, count, 3))
