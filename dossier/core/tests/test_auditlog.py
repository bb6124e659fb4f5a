"""The audit log page and its CSV export: filters by period and person, and safe CSV cells."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.urls import reverse

from accounts.roles import Role
from conftest import member
from dossier.core.access import Section, user_flags
from dossier.core.models import AuditEvent
from dossier.core.selectors import audit_people
from dossier.core.services import AccessLevel, access_grant, audit_record

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BRUSSELS)


@pytest.fixture(autouse=True)
def only_the_grants(region):
    """The region's partnerships are logged as they are set up (by the platform); these tests
    are about the four grants, so the log starts after the set-up."""
    AuditEvent.objects.filter(action__startswith="partnership_").delete()


@pytest.fixture
def dated(region):
    """The four grants of the region fixture, moved to known moments (Brussels time).

    The LSC and PBD grants lie either side of midnight between 10 and 11 March, which is
    the same UTC day: the period filter must count in Brussels days.
    """
    moments = {
        region.zorg_a: at(2025, 1, 10, 10, 0),
        region.clb_medewerker_a: at(2025, 2, 10, 14, 30),
        region.lsc_anker_a: at(2025, 3, 10, 23, 30),
        region.pbd_begeleider_a: at(2025, 3, 11, 0, 30),
    }
    for user, moment in moments.items():
        updated = AuditEvent.objects.filter(dossier=region.dossier_a, subject_user=user).update(
            created_at=moment
        )
        assert updated == 1
    return region


def auditlog(client, region, **params):
    client.force_login(region.directie_a)
    return client.get(reverse("dossier:auditlog", kwargs={"pk": region.dossier_a.pk}), params)


def export(client, region, **params):
    client.force_login(region.directie_a)
    return client.get(
        reverse("dossier:auditlog_export", kwargs={"pk": region.dossier_a.pk}), params
    )


def subjects(response) -> set:
    return {event.subject_user for event in response.context["page"].object_list}


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so that Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


# --- the page --------------------------------------------------------------------------------


def test_the_audit_log_lists_every_grant_of_the_dossier(client, dated):
    response = auditlog(client, dated)

    assert response.status_code == 200
    assert subjects(response) == {
        dated.zorg_a,
        dated.clb_medewerker_a,
        dated.lsc_anker_a,
        dated.pbd_begeleider_a,
    }


def test_the_audit_log_shows_no_events_of_another_dossier(client, dated):
    access_grant(
        dossier=dated.dossier_b,
        granted_by=dated.directie_b,
        access=user_flags(dated.directie_b, dated.dossier_b),
        user=member(dated.school_b, Role.ZORGCOORDINATOR),
        level=AccessLevel.VIEW,
    )

    response = auditlog(client, dated)

    assert {event.dossier_id for event in response.context["page"].object_list} == {
        dated.dossier_a.pk
    }


def test_filtering_by_period_shows_only_events_in_it(client, dated):
    response = auditlog(client, dated, start="2025-02-01", end="2025-03-01")

    assert response.status_code == 200
    assert subjects(response) == {dated.clb_medewerker_a}


def test_the_period_counts_in_brussels_days(client, dated):
    tenth = auditlog(client, dated, start="2025-03-10", end="2025-03-10")
    eleventh = auditlog(client, dated, start="2025-03-11", end="2025-03-11")

    assert subjects(tenth) == {dated.lsc_anker_a}
    assert subjects(eleventh) == {dated.pbd_begeleider_a}


def test_a_period_with_only_a_start_or_only_an_end(client, dated):
    since = auditlog(client, dated, start="2025-03-01")
    until = auditlog(client, dated, end="2025-01-31")

    assert subjects(since) == {dated.lsc_anker_a, dated.pbd_begeleider_a}
    assert subjects(until) == {dated.zorg_a}


def test_a_period_without_events_shows_none(client, dated):
    response = auditlog(client, dated, start="2024-01-01", end="2024-12-31")

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []


def test_filtering_by_person_shows_events_they_did_or_that_concern_them(client, dated):
    concerned = auditlog(client, dated, person=dated.clb_medewerker_a.pk)
    actor = auditlog(client, dated, person=dated.directie_a.pk)

    assert concerned.status_code == actor.status_code == 200
    assert subjects(concerned) == {dated.clb_medewerker_a}
    assert len(actor.context["page"].object_list) == 4


def test_filtering_by_period_and_person_together(client, dated):
    response = auditlog(
        client, dated, start="2025-03-01", end="2025-03-31", person=dated.lsc_anker_a.pk
    )

    assert subjects(response) == {dated.lsc_anker_a}


def test_an_end_before_the_start_is_a_form_error_with_400(client, dated):
    response = auditlog(client, dated, start="2025-03-01", end="2025-02-01")

    assert response.status_code == 400
    assert response.context["filter"].form.non_field_errors()
    assert 'class="form-errors"' in response.text
    assert list(response.context["page"].object_list) == []


@pytest.mark.parametrize(
    "params",
    [
        {"start": "gisteren"},
        {"end": "2025-13-45"},
        {"start": "2025-02-30"},
        {"start": "99999-01-01"},
        {"end": "'; DROP TABLE dossier_auditevent; --"},
    ],
)
def test_a_garbage_date_is_a_400_not_500(client, dated, params):
    response = auditlog(client, dated, **params)

    assert response.status_code == 400
    assert response.context["filter"].form.errors
    assert AuditEvent.objects.filter(dossier=dated.dossier_a).count() == 4


@pytest.mark.parametrize(
    "params",
    [
        {"end": "9999-12-31"},  # the day after does not exist
        {"end": "31/12/9999"},
        {"start": "0001-01-01"},  # Brussels midnight lies before the first UTC moment
        {"start": "01/01/0001", "end": "31/12/9999"},
        {"person": str(10**20)},  # beyond bigint
    ],
)
def test_a_date_or_person_beyond_what_the_platform_holds_is_a_field_error(client, dated, params):
    response = auditlog(client, dated, **params)

    assert response.status_code == 400
    assert set(response.context["filter"].form.errors) == set(params)
    assert list(response.context["page"].object_list) == []


@pytest.mark.parametrize("params", [{"person": "a\x00b"}, {"start": "01/01/2025\x00"}])
def test_a_nul_character_in_a_filter_is_refused(client, dated, params):
    response = auditlog(client, dated, **params)

    assert response.status_code == 400
    assert "NUL" in response.text


def test_an_export_of_a_period_ending_in_year_9999_exports_nothing(client, dated):
    response = export(client, dated, end="31/12/9999")

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.AUDIT_EXPORTED).exists()


def test_a_person_without_events_in_this_dossier_is_a_form_error(client, dated):
    response = auditlog(client, dated, person=dated.directie_b.pk)

    assert response.status_code == 400
    assert "person" in response.context["filter"].form.errors
    assert list(response.context["page"].object_list) == []


@pytest.mark.parametrize("value", ["abc", "999999999", "-1"])
def test_a_garbage_person_is_a_form_error(client, dated, value):
    response = auditlog(client, dated, person=value)

    assert response.status_code == 400
    assert "person" in response.context["filter"].form.errors


def test_viewing_the_audit_log_is_not_itself_an_event(client, dated):
    auditlog(client, dated)

    assert AuditEvent.objects.filter(dossier=dated.dossier_a).count() == 4


def test_a_zorgteam_member_without_manage_right_gets_404(client, dated):
    client.force_login(dated.zorg_a)

    response = client.get(reverse("dossier:auditlog", kwargs={"pk": dated.dossier_a.pk}))

    assert response.status_code == 404


# --- the CSV export --------------------------------------------------------------------------


def test_the_export_is_a_csv_attachment_with_the_grant_rows(client, dated):
    response = export(client, dated)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert dated.school_a.instellingsnummer in disposition
    assert disposition.rstrip('"').endswith(".csv")
    assert response["Cache-Control"] == "no-store"
    header, *rows = csv_rows(response)
    assert len(header) == 5
    assert len(rows) == 4
    concerning = {row[3] for row in rows}
    for user in (dated.zorg_a, dated.clb_medewerker_a, dated.lsc_anker_a, dated.pbd_begeleider_a):
        assert f"{user} <{user.email}>" in concerning
    assert {row[1] for row in rows} == {f"{dated.directie_a} <{dated.directie_a.email}>"}
    assert "10/01/2025 10:00" in {row[0] for row in rows}  # Brussels time, Belgian format


def test_the_export_respects_the_period_filter(client, dated):
    response = export(client, dated, start="2025-03-10", end="2025-03-10")

    _header, *rows = csv_rows(response)
    assert [row[3] for row in rows] == [f"{dated.lsc_anker_a} <{dated.lsc_anker_a.email}>"]


def test_the_export_respects_the_person_filter(client, dated):
    response = export(client, dated, person=dated.pbd_begeleider_a.pk)

    _header, *rows = csv_rows(response)
    assert [row[3] for row in rows] == [
        f"{dated.pbd_begeleider_a} <{dated.pbd_begeleider_a.email}>"
    ]


def test_the_export_records_an_audit_exported_event(client, dated):
    export(client, dated, person=dated.pbd_begeleider_a.pk)

    event = AuditEvent.objects.get(dossier=dated.dossier_a, action=AuditEvent.Action.AUDIT_EXPORTED)
    assert event.actor == dated.directie_a
    assert event.section == str(Section.TOEGANG)
    assert "1" in event.detail  # the number of rows exported


def test_an_export_with_an_invalid_filter_exports_nothing(client, dated):
    response = export(client, dated, start="2025-03-01", end="2025-02-01")

    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("dossier:auditlog", kwargs={"pk": dated.dossier_a.pk})
    )
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.AUDIT_EXPORTED).exists()


def test_a_zorgteam_member_without_manage_right_cannot_export(client, dated):
    client.force_login(dated.zorg_a)

    response = client.get(reverse("dossier:auditlog_export", kwargs={"pk": dated.dossier_a.pk}))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.AUDIT_EXPORTED).exists()


def test_a_cell_starting_with_a_formula_sign_is_neutralised(client, dated):
    sneaky = member(
        dated.school_a,
        Role.LEERLINGENBEGELEIDER,
        first_name='=HYPERLINK("https://example.com/x","klik")',
        last_name="",
    )
    access_grant(
        dossier=dated.dossier_a,
        granted_by=dated.directie_a,
        access=user_flags(dated.directie_a, dated.dossier_a),
        user=sneaky,
        level=AccessLevel.VIEW,
    )
    audit_record(
        dossier=dated.dossier_a,
        actor=dated.directie_a,
        action=AuditEvent.Action.ACCESS_CHANGED,
        section=Section.TOEGANG,
        detail="=1+1",
    )

    response = export(client, dated)

    _header, *rows = csv_rows(response)
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
    assert f"'{sneaky} <{sneaky.email}>" in cells
    assert "'=1+1" in cells


@pytest.mark.parametrize("sign", ["+", "-", "@"])
def test_cells_starting_with_other_formula_signs_are_neutralised(client, dated, sign):
    audit_record(
        dossier=dated.dossier_a,
        actor=dated.directie_a,
        action=AuditEvent.Action.ACCESS_CHANGED,
        section=Section.TOEGANG,
        detail=f"{sign}cmd|' /C calc'!A0",
    )

    response = export(client, dated)

    _header, *rows = csv_rows(response)
    assert f"'{sign}cmd|' /C calc'!A0" in [row[4] for row in rows]


# --- the person filter's people ----------------------------------------------------------------


def test_the_person_filter_lists_each_actor_and_concerned_person_once_by_name(dated):
    """The list steps along the log's indexes one person at a time; it must still hold
    exactly everyone in this dossier's log, acting or concerned, whatever their number of
    events, and no one from another dossier's log."""
    for _ in range(3):  # many events of one person count once
        audit_record(
            dossier=dated.dossier_a,
            actor=dated.clb_medewerker_a,
            action=AuditEvent.Action.AUDIT_EXPORTED,
            section=Section.TOEGANG,
        )
    audit_record(  # someone only concerned by an entry, never acting
        dossier=dated.dossier_a,
        actor=None,
        action=AuditEvent.Action.ACCESS_REVOKED,
        section=Section.TOEGANG,
        subject_user=dated.leerkracht_a,
    )
    audit_record(  # another dossier's actor stays out
        dossier=dated.dossier_b,
        actor=dated.directie_b,
        action=AuditEvent.Action.ACCESS_GRANTED,
        section=Section.TOEGANG,
        subject_user=dated.clb_medewerker_other,
    )

    people = list(audit_people(dated.dossier_a))

    expected = {
        dated.directie_a,  # granted the four accesses
        dated.zorg_a,
        dated.clb_medewerker_a,
        dated.lsc_anker_a,
        dated.pbd_begeleider_a,
        dated.leerkracht_a,
    }
    assert set(people) == expected
    assert len(people) == len(expected)
    assert people == sorted(people, key=lambda p: (p.last_name, p.first_name, p.pk))
    assert list(audit_people(dated.dossier_b)) == sorted(
        [dated.directie_b, dated.clb_medewerker_other],
        key=lambda p: (p.last_name, p.first_name, p.pk),
    )


def test_a_dossier_with_an_empty_log_has_no_one_to_filter_on(dated):
    AuditEvent.objects.filter(dossier=dated.dossier_a).delete()

    assert list(audit_people(dated.dossier_a)) == []
