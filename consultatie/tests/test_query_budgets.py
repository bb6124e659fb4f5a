"""Query budgets of the consultation pages: the same number of queries at 20 and at 400 notes.

Each page is requested as a CLB medewerker (no superuser); the count is asserted exactly, with
the queries named, so an N+1 shows up as a failure. The notes are made with bulk_create (and
their themes straight into the note-theme table, with the note's dossier and school year), with the search text the service would write.
"""

import datetime

import pytest
from django.urls import reverse

from conftest import log_in
from consultatie.models import (
    AskedBy,
    Consultatie,
    ConsultatieThema,
    Opmerking,
    Status,
    SubjectKind,
)
from consultatie.services import _search_text
from consultatie.tests.factories import ThemaFactory, clb_medewerker, school_served_by
from consultatie.views import PAGE_SIZE
from dossier.core.access import user_flags
from dossier.core.services import AccessLevel, access_grant
from samenwerking.schoolyear import school_year_of
from samenwerking.search import RANKED, RECENT
from tests.test_query_budgets import REQUEST_OVERHEAD

pytestmark = pytest.mark.django_db

FIRST_DAY = datetime.date(2023, 9, 4)
STATUSES = [Status.OPEN, Status.OPGEVOLGD, Status.AFGESLOTEN]
KINDS = list(SubjectKind)


def bulk_notes(dossiers, author, themas, count):
    """``count`` notes spread over ``dossiers`` and three school years, each with one or two
    of ``themas``, written as ``author`` of the CLB."""
    clb = author.memberships.get().organisation
    notes = []
    for index in range(count):
        day = FIRST_DAY + datetime.timedelta(days=(index * 7) % 700)
        note = Consultatie(
            dossier=dossiers[index % len(dossiers)],
            author=author,
            author_organisation=clb,
            date=day,
            school_year=school_year_of(day),
            asked_by=AskedBy.ZORGCOORDINATOR,
            subject_kind=KINDS[index % len(KINDS)],
            label=f"{index % 6 + 1}{'ABC'[index % 3]}",
            question=f"Hoe ondersteunen we de leesmotivatie in deze groep (vraag {index})?",
            advice="Lees elke dag tien minuten vrij, met boeken die de kinderen zelf kiezen.",
            status=STATUSES[index % len(STATUSES)],
        )
        note.search_text = _search_text(note)
        notes.append(note)
    Consultatie.objects.bulk_create(notes)
    links = []
    for index, note in enumerate(notes):
        chosen = [themas[index % len(themas)]]
        if index % 2:
            chosen.append(themas[(index + 1) % len(themas)])
        links += [
            ConsultatieThema(
                consultatie_id=note.pk,
                thema_id=thema.pk,
                dossier_id=note.dossier_id,
                school_year=note.school_year,
            )
            for thema in chosen
        ]
    ConsultatieThema.objects.bulk_create(links)
    return notes


def medewerker_with_notes(schools, count):
    """A CLB medewerker with contribute access to ``schools`` schools and ``count`` notes."""
    medewerker = clb_medewerker()
    clb = medewerker.memberships.get().organisation
    dossiers = [
        school_served_by(clb, grant_to=[medewerker])[0].dossier for _index in range(schools)
    ]
    themas = [ThemaFactory(name=f"Budgetthema {index}", position=index) for index in range(4)]
    notes = bulk_notes(dossiers, medewerker, themas, count)
    return medewerker, dossiers, notes


@pytest.mark.parametrize("count", [20, 400])
def test_the_note_list_costs_the_same_at_20_and_400_notes(client, django_assert_num_queries, count):
    medewerker, [dossier], _notes = medewerker_with_notes(1, count)
    log_in(client, medewerker)
    url = reverse("consultatie:list", kwargs={"pk": dossier.pk})
    # 1. the dossier with the access flags, 2. the count for the paginator, 3. the page of notes
    # (author, organisation and school joined in), 4. their themes, 5. the audit events of the
    # notes shown (one insert), 6. the themes in the filter form
    with django_assert_num_queries(REQUEST_OVERHEAD + 6):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == PAGE_SIZE
    # the same, filtered, and as the htmx partial (no filter form, so no themes for it)
    # 1. the dossier with the access flags, 2. the count, 3. the page of notes, 4. their themes,
    # 5. the audit events of the notes shown (one insert)
    with django_assert_num_queries(REQUEST_OVERHEAD + 5):
        response = client.get(
            url,
            {"status": Status.OPEN, "label": "1a", "page": 2},
            headers={"HX-Request": "true", "HX-Target": "note-results"},
        )
    assert response.status_code == 200


@pytest.mark.parametrize("count", [20, 400])
def test_the_dossier_theme_overview_costs_the_same_at_20_and_400_notes(
    client, django_assert_num_queries, count
):
    medewerker, [dossier], _notes = medewerker_with_notes(1, count)
    log_in(client, medewerker)
    # 1. the dossier with the access flags, 2. the counts per theme and school year
    with django_assert_num_queries(REQUEST_OVERHEAD + 2):
        response = client.get(reverse("consultatie:themes", kwargs={"pk": dossier.pk}))
    assert response.status_code == 200
    overview = response.context["overview"]
    assert overview.years == (["2023-2024"] if count == 20 else ["2023-2024", "2024-2025"])
    assert sum(total for _name, _counts, total in overview.rows) == count + count // 2


@pytest.mark.parametrize("count", [20, 400])
def test_the_theme_overview_across_schools_costs_the_same_at_20_and_400_notes(
    client, django_assert_num_queries, count
):
    medewerker, _dossiers, _notes = medewerker_with_notes(3, count)
    log_in(client, medewerker)
    # 1. the sum of the readable dossiers' content versions (the page cache's key), 2. the
    # counts per theme and school year in those dossiers, 3. whether the person is a CLB
    # directeur (for the link to the conversation guide), 4. the number of schools
    with django_assert_num_queries(REQUEST_OVERHEAD + 4):
        response = client.get(reverse("consultatie:my_themes"))
    assert response.status_code == 200
    assert response.context["school_count"] == 3
    overview = response.context["overview"]
    assert sum(total for _name, _counts, total in overview.rows) == count + count // 2


@pytest.mark.parametrize("count", [20, 400])
def test_the_search_page_costs_the_same_at_20_and_400_notes(
    client, django_assert_num_queries, count
):
    medewerker, _dossiers, _notes = medewerker_with_notes(3, count)
    log_in(client, medewerker)
    # 1. the ids of the dossiers whose notes and 2. whose signals the person reads, 3. the sum
    # of those dossiers' content versions (the page cache's key), 4. the terms: their stems and
    # the themes whose names they match, 5. the best of the most recent matching notes there,
    # ranked, with their number (one statement), 6. those notes (dossier and school joined
    # in), 7. their themes, 8. the terms for the signals, 9. the same statement for signals
    # (none match here, so no signal is loaded), 10. the audit events of the notes shown (one
    # insert)
    with django_assert_num_queries(REQUEST_OVERHEAD + 10):
        response = client.get(reverse("zoeken:zoeken"), {"q": "leesmotivatie"})
    assert response.status_code == 200
    assert len(response.context["results"]) == min(count, 25)


@pytest.mark.parametrize(
    ("count", "query", "found"),
    [
        (20, "leesmotivatie", 20),  # every readable note is among the newest: read them all
        (RANKED + 50, "leesmotivatie", RANKED),  # more match than are ranked: the newest only
        (RECENT + 50, "1234", 1),  # rare among the newest notes: all readable notes searched
        # a theme's name: the notes filed under it, found through their links
        (20, "budgetthema", 20),
        (RANKED + 50, "budgetthema", RANKED),
        (RANKED + 50, "budgetthema leesmotivatie", RANKED),  # a theme and a word of the text
    ],
)
def test_the_search_page_costs_the_same_whichever_way_it_finds_the_notes(
    client, django_assert_num_queries, count, query, found
):
    medewerker, _dossiers, _notes = medewerker_with_notes(3, count)
    client.force_login(medewerker)
    # as above: the ranking and the count are one statement however the matches are found
    with django_assert_num_queries(REQUEST_OVERHEAD + 10):
        response = client.get(reverse("zoeken:zoeken"), {"q": query})
    assert response.status_code == 200
    assert response.context["count"] == found
    assert response.context["more"] == (count > RANKED and found == RANKED)
    assert len(response.context["results"]) == min(found, 25)


@pytest.mark.parametrize("count", [5, 40])
def test_a_note_costs_the_same_with_5_and_40_remarks_and_earlier_notes(
    client, django_assert_num_queries, count
):
    medewerker, [dossier], notes = medewerker_with_notes(1, count)
    note = notes[-1]
    directie = dossier.school.memberships.get().user
    Opmerking.objects.bulk_create(
        Opmerking(
            consultatie=note,
            text=f"Opmerking {index}",
            author=directie if index % 2 else medewerker,
            author_organisation=dossier.school if index % 2 else note.author_organisation,
        )
        for index in range(count)
    )
    note.participants.set([directie])
    log_in(client, medewerker)
    url = reverse("consultatie:detail", kwargs={"pk": dossier.pk, "note_pk": note.pk})
    # 1. the dossier with the access flags, 2. the note (author and organisation joined in),
    # 3. its participants, 4. its themes, 5. its remarks (author and organisation joined in),
    # 6. the earlier notes on the same theme or label, 7. their themes, 8. the audit events of
    # the note and of the earlier notes beside it (one insert)
    with django_assert_num_queries(REQUEST_OVERHEAD + 8):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["note"].opmerkingen.all()) == count
    assert response.context["earlier"]


def test_the_search_finds_nothing_without_access(client):
    """The search finds nothing in a school whose dossier the medewerker cannot read."""
    medewerker, _dossiers, _notes = medewerker_with_notes(1, 5)
    colleague = clb_medewerker(medewerker.memberships.get().organisation)
    school, directie = school_served_by(medewerker.memberships.get().organisation)
    access_grant(
        dossier=school.dossier,
        granted_by=directie,
        access=user_flags(directie, school.dossier),
        user=colleague,
        level=AccessLevel.CONTRIBUTE,
    )
    log_in(client, colleague)
    response = client.get(reverse("zoeken:zoeken"), {"q": "leesmotivatie"})
    assert response.status_code == 200
    assert response.context["results"] == []
