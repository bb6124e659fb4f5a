"""Query budgets of the signal pages: the same number of queries at any size.

Each page is requested as a CLB medewerker (no superuser) at two sizes, with the count asserted
exactly and the queries named, so an N+1 shows up as a failure.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import log_in
from dossier.core.access import user_flags
from dossier.meldingen.models import Notification
from samenwerking import listing
from samenwerking.schoolyear import school_year_of
from signalen.models import Signaal
from signalen.services import aanvulling_correct, signaal_change_status
from signalen.tests.factories import (
    AanvullingFactory,
    BronFactory,
    SignaalFactory,
    ThemaFactory,
    clb_medewerker,
    school_served_by,
)
from signalen.views import PAGE_SIZE
from signalen.workflow import Kind, Status
from tests.test_query_budgets import REQUEST_OVERHEAD

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Target": "signal-results"}
KINDS = [Kind.DUIDING, Kind.ADVIES, Kind.AFSPRAAK, Kind.STAND_VAN_ZAKEN, Kind.OPMERKING]


def signals_in(counts: list[int]):
    """A CLB medewerker with contribute access to one school per entry of ``counts``, each
    with that many signals, and each signal with two supplements (one of them by the school).
    """
    medewerker = clb_medewerker()
    clb = medewerker.memberships.get().organisation
    thema, bron = ThemaFactory(), BronFactory()
    dossiers = []
    for count in counts:
        school, directie = school_served_by(clb, grant_to=[medewerker])
        dossiers.append(school.dossier)
        for _ in range(count):
            signaal = SignaalFactory(
                dossier=school.dossier, author=medewerker, thema=thema, bron=bron
            )
            AanvullingFactory(signaal=signaal, author=directie, kind=Kind.DUIDING)
            AanvullingFactory(signaal=signaal, author=medewerker, kind=Kind.ADVIES)
    return medewerker, dossiers


@pytest.mark.parametrize("count", [10, 200])
def test_signal_lists_cost_the_same_at_10_and_200_signals(client, django_assert_num_queries, count):
    # the dossier has ``count`` signals; two more schools add a tenth of that each to the
    # cross-school list (built once for both pages: building signals through the services
    # is what takes the time)
    medewerker, dossiers = signals_in([count, count // 10, count // 10])
    log_in(client, medewerker)

    # 1. the dossier (the access from the cached standing), 2. the count for the paginator, 3. the school years
    # for the PDF overview form, 4. the themes and 5. the sources in the filters,
    # 6. the page of signals (theme, source, school and supplement count joined in),
    # 7. the year's status changes and 8. its first supplements (the trends)
    with django_assert_num_queries(REQUEST_OVERHEAD + 8):
        response = client.get(reverse("signalen:list", kwargs={"pk": dossiers[0].pk}))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count
    assert len(response.context["page"].object_list) == min(count, PAGE_SIZE)

    # 1. the ids of the dossiers the person reads signals in (cached for the next requests),
    # 2. the sum of their content versions (the page cache's key), 3. the count for the
    # paginator, 4. the themes and 5. the sources in the filters, 6. those dossiers (with
    # their school) for the school filter, 7. the page of signals (theme, source, school and
    # supplement count joined in)
    with django_assert_num_queries(REQUEST_OVERHEAD + 7):
        response = client.get(reverse("signalen:my_schools"))
    assert response.status_code == 200
    # the count stops ten pages past the first (samenwerking.listing)
    total, cap = count + 2 * (count // 10), (1 + listing.PAGES_AHEAD) * PAGE_SIZE
    assert response.context["page"].paginator.count == min(total, cap)
    assert response.context["page"].paginator.is_capped == (total > cap)
    assert {s.aanvulling_count for s in response.context["page"].object_list} == {2}

    # the htmx partials render no filter form and no report form: 1. the dossier,
    # 2. the count, 3. the page of signals
    with django_assert_num_queries(REQUEST_OVERHEAD + 3):
        client.get(
            reverse("signalen:list", kwargs={"pk": dossiers[0].pk}),
            {"status": Status.IN_BESPREKING},
            headers=HTMX,
        )
    # 1. the content versions, 2. the count, 3. the page of signals: the readable dossier ids
    # come from the cache
    with django_assert_num_queries(REQUEST_OVERHEAD + 3):
        client.get(reverse("signalen:my_schools"), {"q": "patroon"}, headers=HTMX)


@pytest.mark.parametrize("query", ["patroon", "testthema"])  # the title; the theme's name
@pytest.mark.parametrize("count", [3, 40])
def test_the_search_page_costs_the_same_at_3_and_40_signal_hits(
    client, django_assert_num_queries, count, query
):
    medewerker, _dossiers = signals_in([count])
    log_in(client, medewerker)
    # 1. the ids of the dossiers whose notes and 2. whose signals the person reads, 3. the sum
    # of those dossiers' content versions (the page cache's key), 4. the terms: their stems
    # and the themes they name, 5. the best of the most recent matching notes, ranked, with
    # their number (none here), 6. the terms for the signals, 7. the same statement for
    # signals, 8. those signals with their theme, school and excerpt text
    with django_assert_num_queries(REQUEST_OVERHEAD + 8):
        response = client.get(reverse("zoeken:zoeken"), {"q": query})
    assert response.status_code == 200
    assert len(response.context["results"]) == min(count, 25)


@pytest.mark.parametrize("count", [5, 100])
def test_signal_detail_costs_the_same_with_5_and_100_supplements(
    client, django_assert_num_queries, count
):
    medewerker, [dossier] = signals_in([0])
    school = dossier.school
    directie = school.memberships.get().user
    signaal = SignaalFactory(dossier=dossier, author=medewerker)
    for index in range(count):
        author = directie if index % 2 else medewerker
        aanvulling = AanvullingFactory(signaal=signaal, author=author, kind=KINDS[index % 5])
        if index % 3 == 0:
            # some corrected supplements, with their earlier versions
            aanvulling_correct(
                aanvulling=aanvulling,
                author=author,
                access=user_flags(author, aanvulling.signaal.dossier),
                text=f"Verbeterd {index}",
            )
    signaal_change_status(
        signaal=signaal,
        actor=medewerker,
        access=user_flags(medewerker, signaal.dossier),
        to_status=Status.IN_BESPREKING,
    )
    log_in(client, medewerker)
    url = reverse("signalen:detail", kwargs={"pk": dossier.pk, "signaal_pk": signaal.pk})
    # 1. the dossier with the access flags, 2. the signal with theme, source, author and
    # organisation, 3. the supplements with their authors, 4. their earlier versions,
    # 5. the timeline events with their actors
    with django_assert_num_queries(REQUEST_OVERHEAD + 5):
        response = client.get(url)
    assert response.status_code == 200
    assert len([e for e in response.context["story"].entries if e.aanvulling]) == count


def test_logging_a_signal_computes_the_writers_access_once(client):
    """The view computes the writer's access (require_section); the service, the organisation
    the writer logs for and the notifications take it from there instead of asking again."""
    medewerker, [dossier] = signals_in([0])
    clb = medewerker.memberships.get().organisation
    directie = dossier.school.memberships.get().user
    thema, bron = ThemaFactory(), BronFactory()
    client.force_login(medewerker)
    # the standing read at login (the navigation's, dossier.core.access.reach) forgotten: the
    # page computes it as the first page after a change of access does
    from dossier.core.access import access_changed

    access_changed()

    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            reverse("signalen:create", kwargs={"pk": dossier.pk}),
            {
                "title": "Meer meldingen van pesten",
                "text": "Zes ouders meldden pesten sinds de herfstvakantie.",
                "thema": thema.pk,
                "bron": bron.pk,
                "school_year": school_year_of(timezone.localdate()),
            },
        )

    assert response.status_code == 302
    signaal = Signaal.objects.get()
    assert signaal.author_organisation == clb
    assert list(Notification.objects.values_list("user", flat=True)) == [directie.pk]
    queries = [query["sql"] for query in captured]
    # the writer's access: their standing, read once (dossier.core.access.standing), and
    # the roster of everyone to notify, once: two UNION ALL queries, no access subqueries
    assert len([sql for sql in queries if "UNION ALL" in sql]) == 2
    assert not [sql for sql in queries if '"acc_directie"' in sql]
