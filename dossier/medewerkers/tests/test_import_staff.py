"""The CSV import of an organisation's staff: whole file or nothing, every wrong line named,
hostile files refused, and forty people cost what four do."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.imports import ImportFailed
from accounts.roles import Role
from dossier.medewerkers.forms import StaffUploadForm, decode_csv
from dossier.medewerkers.imports import MAX_ROWS, staff_check, staff_import
from dossier.medewerkers.models import Invitation, OrganisationEvent
from dossier.medewerkers.tests.conftest import manager_of

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 9, 1)
HEADER = "voornaam;naam;e-mail;rol;startdatum\n"


def people(count: int, *, role="CLB-medewerker") -> str:
    return HEADER + "".join(
        f"Voornaam{n};Achternaam{n};persoon{n}@clbleie.be;{role};01/09/2026\n" for n in range(count)
    )


def check(staff, text):
    return staff_check(
        manager=manager_of(staff.clb_directeur, staff.clb_a),
        organisation=staff.clb_a,
        text=text,
        default_start=START,
    )


def run(staff, text):
    return staff_import(
        manager=manager_of(staff.clb_directeur, staff.clb_a),
        organisation=staff.clb_a,
        text=text,
        default_start=START,
        actor=staff.clb_directeur,
    )


def errors_of(staff, text, *, importing=False) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        run(staff, text) if importing else check(staff, text)
    assert not Invitation.objects.exists()
    return failed.value.errors


def test_forty_people_are_invited_with_one_e_mail_each(staff, django_capture_on_commit_callbacks):
    rows = check(staff, people(40))
    assert len(rows) == 40
    assert not Invitation.objects.exists()  # the preview writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        created = run(staff, people(40))
    assert len(created) == 40
    assert Invitation.objects.filter(organisation=staff.clb_a, sent_at__isnull=False).count() == 40
    assert len(mail.outbox) == 40
    assert len({message.body for message in mail.outbox}) == 40  # each its own link
    events = OrganisationEvent.objects.filter(organisation=staff.clb_a, action="invitation_sent")
    assert events.count() == 40


@pytest.mark.parametrize("count", [4, 40])
def test_the_import_costs_the_same_queries_for_4_and_40_people(staff, count):
    manager = manager_of(staff.clb_directeur, staff.clb_a)
    with CaptureQueriesContext(connection) as checked:
        staff_check(
            manager=manager, organisation=staff.clb_a, text=people(count), default_start=START
        )
    with CaptureQueriesContext(connection) as imported:
        staff_import(
            manager=manager,
            organisation=staff.clb_a,
            text=people(count),
            default_start=START,
            actor=staff.clb_directeur,
        )
    # the check: who works here already, who has an open invitation
    assert len(checked.captured_queries) == 2
    # the same check, then (in a savepoint) expired invitations give way, the invitations,
    # their events, and the savepoint's own statements
    assert len(imported.captured_queries) == 2 + 3 + 2


def test_the_roles_are_named_as_the_platform_names_them(staff):
    text = HEADER + (
        "An;Een;een@clbleie.be;CLB-medewerker;\n"
        "Bo;Twee;twee@clbleie.be;clb_directeur;02/09/2026\n"
        "Cas;Drie;drie@clbleie.be;  clb-DIRECTEUR ;2026-09-03\n"
    )
    rows = check(staff, text)
    assert [(r.role, r.start_date) for r in rows] == [
        (Role.CLB_MEDEWERKER, START),
        (Role.CLB_DIRECTEUR, datetime.date(2026, 9, 2)),
        (Role.CLB_DIRECTEUR, datetime.date(2026, 9, 3)),
    ]


def test_other_column_names_excel_and_a_bom_are_read(staff):
    text = "\ufeffVoornaam,Achternaam,Email,Rol\r\nAn,Een,EEN@clbleie.be,CLB-medewerker\r\n,,,\r\n"
    rows = check(staff, text)
    assert [(r.email, r.first_name, r.last_name) for r in rows] == [("een@clbleie.be", "An", "Een")]


def test_every_wrong_line_is_named_and_nobody_is_invited(staff, django_capture_on_commit_callbacks):
    text = HEADER + (
        "An;Een;een@clbleie.be;CLB-medewerker;\n"
        "Bo;Twee;geen-adres;CLB-medewerker;\n"
        "Cas;Drie;drie@clbleie.be;Directie;\n"
        "Dirk;Vier;vier@clbleie.be;koning;\n"
        "Eva;Vijf;vijf@clbleie.be;CLB-medewerker;31/02/2026\n"
        f"Fien;Zes;{staff.clb_medewerker_a.email};CLB-medewerker;\n"
        "Gert;Zeven;een@clbleie.be;CLB-medewerker;\n"
        "=cmd|' /C calc'!A0;Acht;acht@clbleie.be;CLB-medewerker;\n"
        "Hanne;-2+3;negen@clbleie.be;CLB-medewerker;\n"
        "Ilse;;tien@clbleie.be;CLB-medewerker;\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        errors = errors_of(staff, text, importing=True)
    assert not mail.outbox
    # the roles and dates first (read per line), then nothing else is checked
    lines = sorted(int(e.split()[1].rstrip(":")) for e in errors)
    assert lines == [4, 5, 6]
    # with the roles and dates right, the other lines
    fixed = text.replace("Directie", "CLB-medewerker").replace("koning", "CLB-medewerker")
    fixed = fixed.replace("31/02/2026", "")
    errors = errors_of(staff, fixed, importing=True)
    lines = sorted(int(e.split()[1].rstrip(":")) for e in errors)
    assert lines == [3, 7, 8, 9, 10, 11]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n",
        HEADER,  # no people
        "voornaam;naam\nAn;Een\n",  # columns missing
        HEADER + "An;Een;een@clbleie.be;CLB-medewerker;\x00\n",  # NUL
        HEADER + 'An;"Een;een@clbleie.be;CLB-medewerker;\n' + "x" * 140_000,  # beyond csv's limit
        HEADER + "An;" + "x" * 1000 + ";een@clbleie.be;CLB-medewerker;\n",  # a huge cell
        people(MAX_ROWS + 1),
    ],
)
def test_hostile_or_broken_files_are_refused_with_one_message(staff, text):
    errors = errors_of(staff, text)
    assert len(errors) == 1 and errors[0]


def test_a_name_with_invisible_characters_is_refused(staff):
    errors = errors_of(staff, HEADER + "An\u202e;Een;een@clbleie.be;CLB-medewerker;\n")
    assert [e.split()[1] for e in errors] == ["2:"]


def test_a_role_of_another_kind_in_the_file_is_refused(staff):
    errors = errors_of(staff, people(2, role="LSC-coördinator"))
    assert len(errors) == 2


def test_the_upload_form_decodes_utf8_and_windows_and_refuses_the_rest():
    assert decode_csv("Zoë".encode()) == "Zoë"
    assert decode_csv("\ufeffZoë".encode()) == "Zoë"
    assert decode_csv("Zoë".encode("cp1252")) == "Zoë"
    from django import forms

    with pytest.raises(forms.ValidationError):
        decode_csv(b"\x81\x8d\x8f\x90\x9d")


def test_the_upload_form_refuses_a_large_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("staff.csv", b"x" * (StaffUploadForm.MAX_BYTES + 1), "text/csv")
    form = StaffUploadForm(data={"start_date": "2026-09-01"}, files={"file": big})
    assert not form.is_valid()
    assert "file" in form.errors
