"""The CSV import of schools: all rows or none, and every wrong row reported by its line."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.imports import ImportFailed, schools_import_csv
from accounts.models import Organisation, Partnership
from accounts.roles import OrganisationKind
from accounts.services import partnership_create
from accounts.tests.factories import OrganisationFactory
from dossier.core.models import Dossier

START = datetime.date(2025, 9, 1)
HEADER = "instellingsnummer;naam;straat;postcode;gemeente;clb;pbd;lsc"


@pytest.fixture
def partners(db):
    """The partners a file names: a CLB by its number, a PBD and two LSCs by their names."""
    return {
        "clb": OrganisationFactory(clb=True, name="CLB Leie", instellingsnummer="900001"),
        "other_clb": OrganisationFactory(clb=True, name="CLB Schelde", instellingsnummer="900002"),
        "pbd": OrganisationFactory(pbd=True, name="PBD Katholiek Onderwijs"),
        "lsc": OrganisationFactory(lsc=True, name="LSC Oost"),
        "lsc2": OrganisationFactory(lsc=True, name="LSC Type 9"),
    }


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


GOOD = csv_text(
    "012345;Basisschool De Linde;Kerkstraat 1;8500;Kortrijk;900001;PBD Katholiek Onderwijs;LSC Oost",
    "012346;Sint-Jozefsinstituut;Stationsstraat 12;8500;Kortrijk;CLB Leie;;LSC Oost|LSC Type 9",
)


def snapshot() -> tuple[int, int, int]:
    return Organisation.objects.count(), Dossier.objects.count(), Partnership.objects.count()


def import_errors(text: str) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        schools_import_csv(text=text, start_date=START)
    return failed.value.errors


# --- a good file -----------------------------------------------------------------------------


def test_a_semicolon_file_creates_schools_dossiers_and_partnerships(partners):
    result = schools_import_csv(text=GOOD, start_date=START)

    assert (result.created, result.updated, result.partnerships, result.errors) == (2, 0, 6, [])
    linde = Organisation.objects.get(instellingsnummer="012345")
    assert linde.kind == OrganisationKind.SCHOOL
    assert (linde.name, linde.street, linde.postcode, linde.city) == (
        "Basisschool De Linde",
        "Kerkstraat 1",
        "8500",
        "Kortrijk",
    )
    assert Dossier.objects.filter(school=linde).count() == 1
    assert {p.partner for p in linde.partnerships.all()} == {
        partners["clb"],
        partners["pbd"],
        partners["lsc"],
    }
    jozef = Organisation.objects.get(instellingsnummer="012346")
    assert Dossier.objects.filter(school=jozef).count() == 1
    assert {p.partner for p in jozef.partnerships.all()} == {
        partners["clb"],
        partners["lsc"],
        partners["lsc2"],
    }
    assert set(Partnership.objects.values_list("start_date", flat=True)) == {START}


def test_a_comma_separated_file_works_too(partners):
    text = GOOD.replace(";", ",")

    result = schools_import_csv(text=text, start_date=START)

    assert result.created == 2
    assert Partnership.objects.count() == 6


def test_a_file_with_a_byte_order_mark_and_windows_line_ends_works(partners):
    text = "\ufeff" + GOOD.replace("\n", "\r\n")

    result = schools_import_csv(text=text, start_date=START)

    assert result.created == 2


def test_header_names_are_read_case_insensitively(partners):
    text = csv_text("012345;Basisschool De Linde;;;;CLB Leie;;", header=HEADER.upper())

    result = schools_import_csv(text=text, start_date=START)

    assert result.created == 1
    assert Organisation.objects.get(instellingsnummer="012345").partnerships.count() == 1


def test_only_number_and_name_are_required_columns(db):
    result = schools_import_csv(
        text=csv_text("012345;De Linde", header="instellingsnummer;naam"), start_date=START
    )

    assert result.created == 1
    assert Dossier.objects.filter(school__instellingsnummer="012345").exists()


def test_a_rerun_updates_without_duplicates(partners):
    schools_import_csv(text=GOOD, start_date=START)
    before = snapshot()
    changed = GOOD.replace("Basisschool De Linde", "Basisschool De Linde (vernieuwd)")

    result = schools_import_csv(text=changed, start_date=START + datetime.timedelta(days=30))

    assert (result.created, result.updated, result.partnerships) == (0, 2, 0)
    assert snapshot() == before
    assert Organisation.objects.get(instellingsnummer="012345").name == (
        "Basisschool De Linde (vernieuwd)"
    )


def test_a_rerun_adds_a_new_lsc_to_an_existing_school(partners):
    schools_import_csv(text=GOOD, start_date=START)

    result = schools_import_csv(
        text=csv_text("012345;Basisschool De Linde;;;;;;LSC Oost|LSC Type 9"), start_date=START
    )

    assert (result.created, result.updated, result.partnerships) == (0, 1, 1)
    linde = Organisation.objects.get(instellingsnummer="012345")
    assert linde.partnerships.count() == 4
    assert linde.street == "Kerkstraat 1"  # an empty cell keeps what was there


# --- a bad file writes nothing ---------------------------------------------------------------


def test_one_bad_row_writes_nothing_and_every_bad_row_is_reported_by_line(partners):
    existing = OrganisationFactory(name="Bestaande school", instellingsnummer="054321")
    partnership_create(
        school=existing, partner=partners["clb"], start_date=datetime.date(2020, 9, 1)
    )
    before = snapshot()
    text = csv_text(
        "012345;Basisschool De Linde;;8500;Kortrijk;900001;;",  # line 2: fine
        "12345;Te kort nummer;;;;900001;;",  # line 3: bad instellingsnummer
        "012346;Onbekend CLB;;;;CLB Nergens;;",  # line 4: unknown CLB
        "012345;Dubbel in het bestand;;;;;;",  # line 5: number already on line 2
        "054321;Bestaande school, nieuwe naam;;;;CLB Schelde;;",  # line 6: second CLB
        "012347;Goede school;;;;;;LSC Oost",  # line 7: fine
    )

    errors = import_errors(text)

    assert len(errors) == 4
    prefixes = [error.split(":")[0] for error in errors]
    assert [p.split()[-1] for p in prefixes] == ["3", "4", "5", "6"]
    assert "CLB Nergens" in errors[1]
    assert "012345" in errors[2]
    assert "CLB Leie" in errors[3]
    assert snapshot() == before
    existing.refresh_from_db()
    assert existing.name == "Bestaande school"
    assert not Organisation.objects.filter(instellingsnummer__in=["012345", "012347"]).exists()


def test_a_row_without_a_name_is_reported(db):
    errors = import_errors(csv_text("012345;;;;;;;"))

    assert len(errors) == 1
    assert errors[0].split(":")[0].split()[-1] == "2"
    assert not Organisation.objects.exists()


def test_a_number_that_belongs_to_a_clb_is_reported(partners):
    errors = import_errors(csv_text("900001;Geen school;;;;;;"))

    assert len(errors) == 1
    assert "900001" in errors[0]
    assert partners["clb"].name in errors[0]
    partners["clb"].refresh_from_db()
    assert partners["clb"].name == "CLB Leie"


def test_two_clbs_for_one_new_school_are_reported(partners):
    before = snapshot()

    errors = import_errors(csv_text("012345;De Linde;;;;CLB Leie|CLB Schelde;;"))

    assert len(errors) == 1
    assert snapshot() == before


def test_a_bad_postcode_is_reported(partners):
    errors = import_errors(csv_text("012345;De Linde;;85000;Kortrijk;;;"))

    assert errors
    assert {error.split(":")[0].split()[-1] for error in errors} == {"2"}
    assert not Organisation.objects.filter(instellingsnummer="012345").exists()


def test_line_numbers_count_the_lines_of_the_file_even_with_an_empty_line(partners):
    text = HEADER + "\n" + "012345;De Linde;;;;;;\n" + "\n" + "12345;Te kort;;;;;;\n"

    errors = import_errors(text)

    # the bad row is on line 4 of the file (header, a school, an empty line, the bad row)
    assert [error.split(":")[0].split()[-1] for error in errors] == ["4"]


# --- files that cannot be read ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n", "\ufeff"])
def test_an_empty_file_gives_a_clear_error(db, text):
    errors = import_errors(text)

    assert len(errors) == 1
    assert not Organisation.objects.exists()


def test_a_file_with_only_a_header_gives_a_clear_error(db):
    errors = import_errors(csv_text())

    assert len(errors) == 1
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("nummer;naam;straat", ["instellingsnummer"]),
        ("instellingsnummer;school;straat", ["naam"]),
        ("straat;postcode;gemeente", ["instellingsnummer", "naam"]),
    ],
)
def test_missing_header_columns_give_a_clear_error(db, header, missing):
    errors = import_errors(csv_text("012345;De Linde;Kerkstraat 1", header=header))

    assert len(errors) == 1
    for column in missing:
        assert column in errors[0]
    assert not Organisation.objects.exists()


# --- the admin import page -------------------------------------------------------------------

IMPORT_URL = "admin:accounts_organisation_import"


def upload(client, region, content: bytes, start_date="2025-09-01"):
    client.force_login(region.platform_admin)
    return client.post(
        reverse(IMPORT_URL),
        {
            "file": SimpleUploadedFile("scholen.csv", content, content_type="text/csv"),
            "start_date": start_date,
        },
    )


def test_the_import_page_imports_a_good_file_and_redirects(client, region, partners):
    response = upload(client, region, GOOD.encode("utf-8"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:accounts_organisation_changelist")
    assert Organisation.objects.filter(instellingsnummer__in=["012345", "012346"]).count() == 2
    assert Dossier.objects.filter(school__instellingsnummer="012346").exists()
    assert Partnership.objects.filter(school__instellingsnummer="012346").count() == 3
    assert set(
        Partnership.objects.filter(school__instellingsnummer="012345").values_list(
            "start_date", flat=True
        )
    ) == {START}


def test_the_import_page_shows_every_bad_row_with_400_and_writes_nothing(client, region, partners):
    before = snapshot()
    text = csv_text(
        "012345;Basisschool De Linde;;;;CLB Leie;;",
        "1234;Fout nummer;;;;;;",
        "012346;Onbekend;;;;CLB Nergens;;",
    )

    response = upload(client, region, text.encode("utf-8"))

    assert response.status_code == 400
    errors = response.context["errors"]
    assert len(errors) == 2
    assert 'class="errorlist"' in response.text
    for error in errors:
        assert error.split(":")[0] in response.text
    assert snapshot() == before


def test_the_import_page_reads_a_windows_1252_file(client, region, partners):
    text = csv_text("012345;Basisschool Sint-André;Rue de l'Église 3;1000;Brussel;CLB Leie;;")

    response = upload(client, region, text.encode("cp1252"))

    assert response.status_code == 302
    school = Organisation.objects.get(instellingsnummer="012345")
    assert school.name == "Basisschool Sint-André"
    assert school.street == "Rue de l'Église 3"


def test_the_import_page_reads_a_utf8_file_with_accents(client, region, partners):
    text = csv_text("012345;Basisschool Sint-André;;;Wervik;;;")

    response = upload(client, region, ("\ufeff" + text).encode("utf-8"))

    assert response.status_code == 302
    assert Organisation.objects.get(instellingsnummer="012345").name == "Basisschool Sint-André"


def test_the_import_page_with_an_empty_file_is_a_form_error_not_500(client, region):
    before = snapshot()

    response = upload(client, region, b"")

    assert response.status_code == 200  # the upload field itself refuses an empty file
    assert "file" in response.context["form"].errors
    assert snapshot() == before


def test_the_import_page_with_a_header_only_file_shows_the_error(client, region):
    response = upload(client, region, csv_text().encode("utf-8"))

    assert response.status_code == 400
    assert len(response.context["errors"]) == 1


def test_the_import_page_without_a_start_date_is_a_form_error(client, region, partners):
    before = snapshot()

    response = upload(client, region, GOOD.encode("utf-8"), start_date="")

    assert response.status_code == 200
    assert "start_date" in response.context["form"].errors
    assert snapshot() == before


def test_someone_who_is_not_a_platform_admin_cannot_import(client, region, partners):
    before = snapshot()
    client.force_login(region.directie_a)

    response = client.post(
        reverse(IMPORT_URL),
        {"file": SimpleUploadedFile("scholen.csv", GOOD.encode()), "start_date": "2025-09-01"},
    )

    assert response.status_code == 302
    assert "login" in response["Location"]
    assert snapshot() == before


def test_a_value_beyond_the_csv_field_limit_is_reported_not_500(client, region, partners):
    text = csv_text("012345;" + "x" * 140_000)

    response = upload(client, region, text.encode("utf-8"))

    assert response.status_code == 400
    assert "Regel 2 kan niet als CSV gelezen worden" in response.text
    assert not Organisation.objects.filter(instellingsnummer="012345").exists()


def test_the_service_reports_the_line_of_a_value_beyond_the_csv_field_limit(db):
    errors = import_errors(csv_text("012345;Basisschool De Linde", "012346;" + "x" * 140_000))

    assert len(errors) == 1 and errors[0].startswith("Regel 3 kan niet als CSV")
    assert not Organisation.objects.exists()


def test_a_file_with_a_nul_character_is_refused_and_writes_nothing(client, region, partners):
    before = snapshot()
    text = csv_text("012345;Basisschool\x00De Linde")

    response = upload(client, region, text.encode("utf-8"))

    assert response.status_code == 400
    assert "NUL" in response.text
    assert snapshot() == before
