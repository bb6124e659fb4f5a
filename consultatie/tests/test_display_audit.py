"""Every display of a note's text leaves an audit event: one per note shown, one insert per page.

The list (the question), the edit form, the earlier-advice fragment and the block beside a note,
and the search excerpts. Pages that show no note text (the red threads, counts) record nothing.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultatie.models import Status
from consultatie.tests.factories import ConsultatieFactory
from consultatie.views import PAGE_SIZE
from dossier.core.models import AuditEvent
from signalen.tests.factories import SignaalFactory

pytestmark = pytest.mark.django_db

OCT_2025 = datetime.date(2025, 10, 15)
HTMX = {"HX-Request": "true", "HX-Target": "note-results"}
AUDIT_TABLE = AuditEvent._meta.db_table


def write(region, count=1, **kwargs):
    kwargs.setdefault("date", OCT_2025)
    kwargs.setdefault("question", "Hoe ondersteunen we de leesmotivatie in deze groep?")
    kwargs.setdefault("advice", "Lees elke dag tien minuten vrij.")
    return [
        ConsultatieFactory(dossier=region.dossier_a, author=region.clb_medewerker_a, **kwargs)
        for _index in range(count)
    ]


def audit_inserts(captured):
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("INSERT") and f'"{AUDIT_TABLE}"' in q["sql"]
    ]


def get(client, url, data=None, **kwargs):
    """The response, and the INSERTs into the audit table it took."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data, **kwargs)
    return response, audit_inserts(captured)


def events(action, person):
    return AuditEvent.objects.filter(action=action, actor=person)


def assert_shown(action, person, region, notes):
    recorded = events(action, person)
    assert recorded.count() == len(notes)
    assert sorted(e.detail for e in recorded) == sorted(f"#{note.pk}" for note in notes)
    assert {e.dossier_id for e in recorded} == {region.dossier_a.pk}
    assert {e.section for e in recorded} == {"consultaties"}
    # a reference only: no label or text of the note in the audit log
    assert not any(note.label in e.detail for e in recorded for note in notes)


# --- the list ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["zorg_a", "clb_medewerker_a", "directie_a"])
def test_the_list_records_each_note_it_shows_in_one_insert(client, region, thema, persona):
    notes = write(region, PAGE_SIZE + 3, themas=[thema])
    person = getattr(region, persona)
    client.force_login(person)
    response, inserts = get(client, reverse("consultatie:list", kwargs={"pk": region.dossier_a.pk}))
    assert response.status_code == 200
    shown = list(response.context["page"].object_list)
    assert len(shown) == PAGE_SIZE
    assert len(inserts) == 1
    assert_shown("consultatie_listed", person, region, shown)
    # the notes on the second page were not shown, so not recorded
    assert not set(notes) <= set(shown)
    assert not events("consultatie_read", person).exists()


def test_the_htmx_partial_of_the_list_records_the_notes_it_shows(client, region, thema):
    write(region, 2, themas=[thema], status=Status.OPEN)
    closed = write(region, 1, themas=[thema], status=Status.AFGESLOTEN)
    client.force_login(region.zorg_a)
    url = reverse("consultatie:list", kwargs={"pk": region.dossier_a.pk})
    response, inserts = get(client, url, {"status": Status.OPEN}, headers=HTMX)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "consultatie/_note_results.html"
    shown = list(response.context["page"].object_list)
    assert len(shown) == 2 and closed[0] not in shown
    assert len(inserts) == 1
    assert_shown("consultatie_listed", region.zorg_a, region, shown)


def test_an_empty_or_invalid_list_records_nothing(client, region, thema):
    write(region, 2, themas=[thema], status=Status.OPEN)
    client.force_login(region.zorg_a)
    url = reverse("consultatie:list", kwargs={"pk": region.dossier_a.pk})
    response, inserts = get(client, url, {"status": Status.AFGESLOTEN})
    assert response.status_code == 200 and not response.context["page"].object_list
    response, more = get(client, url, {"status": "no-such-status"})
    assert response.status_code == 400
    assert inserts == more == []
    assert not AuditEvent.objects.filter(section="consultaties").exists()


# --- the edit form -------------------------------------------------------------------------------


def test_opening_the_edit_form_is_recorded(client, region, thema):
    [note] = write(region, themas=[thema])
    client.force_login(region.clb_medewerker_a)
    url = reverse("consultatie:edit", kwargs={"pk": region.dossier_a.pk, "note_pk": note.pk})
    response, inserts = get(client, url)
    assert response.status_code == 200
    assert len(inserts) == 1
    assert_shown("consultatie_edit_opened", region.clb_medewerker_a, region, [note])


def test_the_new_note_form_records_nothing(client, region, thema):
    write(region, themas=[thema])
    client.force_login(region.clb_medewerker_a)
    response, inserts = get(
        client, reverse("consultatie:create", kwargs={"pk": region.dossier_a.pk})
    )
    assert response.status_code == 200
    assert inserts == []


# --- earlier advice ------------------------------------------------------------------------------


def test_the_earlier_advice_fragment_records_each_note_it_shows(client, region, thema):
    notes = write(region, 7, themas=[thema])
    client.force_login(region.clb_medewerker_a)
    url = reverse("consultatie:earlier", kwargs={"pk": region.dossier_a.pk})
    response, inserts = get(client, url, {"themas": thema.pk, "note": notes[0].pk})
    assert response.status_code == 200
    shown = response.context["earlier"]
    assert len(shown) == 5 and notes[0] not in shown
    assert len(inserts) == 1
    assert_shown("consultatie_advice_shown", region.clb_medewerker_a, region, shown)


def test_earlier_advice_without_a_match_records_nothing(client, region, thema, other_thema):
    write(region, 2, themas=[thema])
    client.force_login(region.clb_medewerker_a)
    url = reverse("consultatie:earlier", kwargs={"pk": region.dossier_a.pk})
    response, inserts = get(client, url, {"themas": other_thema.pk})
    assert response.status_code == 200 and response.context["earlier"] == []
    assert inserts == []


def test_a_note_page_records_the_note_and_the_earlier_advice_beside_it_in_one_insert(
    client, region, thema
):
    others = write(region, 6, themas=[thema])
    [note] = write(region, themas=[thema], date=OCT_2025 + datetime.timedelta(days=1))
    client.force_login(region.zorg_a)
    url = reverse("consultatie:detail", kwargs={"pk": region.dossier_a.pk, "note_pk": note.pk})
    response, inserts = get(client, url)
    assert response.status_code == 200
    shown = response.context["earlier"]
    assert len(shown) == 5 and set(shown) < set(others)
    assert len(inserts) == 1
    assert_shown("consultatie_read", region.zorg_a, region, [note])
    assert_shown("consultatie_advice_shown", region.zorg_a, region, shown)


# --- search --------------------------------------------------------------------------------------


def test_search_records_the_notes_it_shows_and_not_the_signals(client, region, thema):
    notes = write(region, 3, themas=[thema], question="Leesmotivatie in het derde leerjaar")
    write(region, themas=[thema], question="Iets anders", advice="Ook iets anders")
    SignaalFactory(
        dossier=region.dossier_a,
        author=region.zorg_a,
        title="Leesmotivatie daalt",
        text="De leesmotivatie daalt in het derde leerjaar.",
    )
    client.force_login(region.zorg_a)
    response, inserts = get(client, reverse("zoeken:zoeken"), {"q": "leesmotivatie"})
    assert response.status_code == 200
    kinds = [hit.kind for hit in response.context["results"]]
    assert sorted(kinds) == ["consultatie"] * 3 + ["signaal"]
    assert len(inserts) == 1
    assert_shown("consultatie_found", region.zorg_a, region, notes)
    assert AuditEvent.objects.filter(actor=region.zorg_a).count() == 3


def test_a_search_without_note_hits_records_nothing(client, region, thema):
    write(region, themas=[thema])
    client.force_login(region.zorg_a)
    response, inserts = get(client, reverse("zoeken:zoeken"), {"q": "fietsenstalling"})
    assert response.status_code == 200 and response.context["results"] == []
    assert inserts == []


# --- pages without note text ---------------------------------------------------------------------


def test_the_red_threads_show_counts_and_record_nothing(client, region, thema):
    write(region, 3, themas=[thema])
    client.force_login(region.clb_medewerker_a)
    for url in (
        reverse("consultatie:themes", kwargs={"pk": region.dossier_a.pk}),
        reverse("consultatie:my_themes"),
    ):
        response, inserts = get(client, url)
        assert response.status_code == 200
        assert inserts == []


# --- the audit log -------------------------------------------------------------------------------


def test_the_directie_sees_the_new_events_in_the_audit_log_and_its_export(client, region, thema):
    [note] = write(region, themas=[thema])
    client.force_login(region.zorg_a)
    client.get(reverse("consultatie:list", kwargs={"pk": region.dossier_a.pk}))
    client.force_login(region.directie_a)
    url = reverse("dossier:auditlog", kwargs={"pk": region.dossier_a.pk})
    response = client.get(url, {"action": "consultatie_listed"})
    assert response.status_code == 200
    [event] = response.context["page"].object_list
    assert (event.actor, event.detail) == (region.zorg_a, f"#{note.pk}")
    assert str(event.get_action_display()) != "consultatie_listed"
    export = client.get(
        reverse("dossier:auditlog_export", kwargs={"pk": region.dossier_a.pk}),
        {"action": "consultatie_listed"},
    )
    rows = export.content.decode("utf-8-sig").splitlines()
    assert len(rows) == 2
    assert f"#{note.pk}" in rows[1] and str(event.get_action_display()) in rows[1]


def test_who_saw_a_note_is_one_filter_on_its_reference(client, region, thema):
    [note, other] = write(region, 2, themas=[thema])
    for person in (region.zorg_a, region.clb_medewerker_a):
        client.force_login(person)
        client.get(reverse("consultatie:list", kwargs={"pk": region.dossier_a.pk}))
    client.force_login(region.zorg_a)
    client.get(
        reverse("consultatie:detail", kwargs={"pk": region.dossier_a.pk, "note_pk": note.pk})
    )
    client.force_login(region.directie_a)
    url = reverse("dossier:auditlog", kwargs={"pk": region.dossier_a.pk})
    for reference in (f"#{note.pk}", str(note.pk)):
        response = client.get(url, {"reference": reference})
        assert response.status_code == 200
        seen = [(e.actor, e.action) for e in response.context["page"].object_list]
        assert sorted(seen, key=lambda pair: (pair[0].pk, pair[1])) == sorted(
            [
                (region.zorg_a, "consultatie_listed"),
                (region.clb_medewerker_a, "consultatie_listed"),
                (region.zorg_a, "consultatie_read"),
            ],
            key=lambda pair: (pair[0].pk, pair[1]),
        )
