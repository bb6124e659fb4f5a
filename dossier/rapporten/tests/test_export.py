"""The dossier export's ZIP, built as the worker builds it (``make_export``) for school A's
directie, with school B's content in the same database: what is in it, what is not, and that
it is safe to unpack."""

from __future__ import annotations

import csv
import datetime
import io
import json
import subprocess
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from consultatie.section import NOTE_IN_EXPORT
from dossier.core.access import user_flags
from dossier.core.models import AuditEvent
from dossier.core.registry import registry
from dossier.rapporten.export import EXPORT, check_export, csv_cell, make_export, safe_name
from dossier.rapporten.models import Report
from dossier.rapporten.tests.export_data import (
    LAST_YEAR,
    MARKER_B,
    YEAR,
    fill_school_a,
    fill_school_b,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def an_export(region, user=None) -> Report:
    return Report.objects.create(
        dossier=region.dossier_a,
        kind=EXPORT.key,
        school_year="",
        requested_by=user or region.directie_a,
    )


def build(report) -> tuple[zipfile.ZipFile, list[tuple[int, int, str]]]:
    steps: list[tuple[int, int, str]] = []
    made = make_export(report, lambda done, total, note="": steps.append((done, total, note)))
    return zipfile.ZipFile(io.BytesIO(made.read())), steps


@pytest.fixture
def filled(region):
    content = fill_school_a(region)
    fill_school_b(region)
    return content


def test_the_export_holds_every_part_of_the_dossier(region, filled, tmp_path):
    archive, steps = build(an_export(region))
    names = archive.namelist()

    assert {"README.txt", "schema.json", "dossier.json"} <= set(names)
    # the yearly reports of both school years, and the reports about one item
    for year in (LAST_YEAR, YEAR):
        assert f"rapporten/{year}/jaarverslag.pdf" in names
        assert f"rapporten/{year}/signalenoverzicht.pdf" in names
    assert any(n.startswith(f"rapporten/{LAST_YEAR}/verslag-structureel-overleg-") for n in names)
    assert any(n.startswith(f"rapporten/{YEAR}/samenwerkingsgesprek-") for n in names)
    # only the version every partner approved, not the draft that followed, nor the draft
    agreements = [n for n in names if "/samenwerkingsafspraak-" in n]
    assert len(agreements) == 1
    assert agreements[0].startswith(f"rapporten/{YEAR}/samenwerkingsafspraak-Consultatiemomenten")
    assert agreements[0].endswith(" 1.pdf")
    # every version of every document, two folders for two documents with the same title
    assert "documenten/Visietekst zorgbeleid/v1-visie.txt" in names
    assert "documenten/Visietekst zorgbeleid/v2-visie.txt" in names
    assert archive.read("documenten/Visietekst zorgbeleid/v1-visie.txt") == (
        b"Eerste versie van de visietekst."
    )
    assert {
        "documenten/Verslag/v1-verslag-1.txt",
        "documenten/Verslag (2)/v1-verslag-2.txt",
    } <= set(names)
    # the CSV tables of every section
    for table in (
        "signalen",
        "signalen-aanvullingen",
        "consultaties",
        "consultaties-opmerkingen",
        "documenten",
        "samenwerkingsafspraken",
        "overleg",
        "samenwerkingsgesprekken",
        "leersteunvragen",
    ):
        assert f"csv/{table}.csv" in names
    # the progress went up to the end, in steps
    assert steps[-1][0] == steps[-1][1] > 5
    assert [done for done, _total, _note in steps] == sorted(done for done, _t, _n in steps)


def test_dossier_json_follows_its_schema_with_iso_dates(region, filled):
    jsonschema = pytest.importorskip("jsonschema")
    archive, _steps = build(an_export(region))
    data = json.loads(archive.read("dossier.json"))
    schema = json.loads(archive.read("schema.json"))

    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(data)
    assert data["school"]["instellingsnummer"] == region.school_a.instellingsnummer
    assert {p["partner"] for p in data["partnerships"]} == {
        region.clb_a.name,
        region.pbd_a.name,
        region.lsc_a.name,
    }
    assert data["school_years"] == [LAST_YEAR, YEAR]
    sections = data["sections"]
    assert len(sections["signalen"]) == 2
    assert sections["signalen"][0]["supplements"][0]["kind"] == "duiding"
    # ISO 8601: a date, and a moment with the Brussels offset
    note = sections["consultaties"][0]
    assert note["date"] == filled["notes"][0].date.isoformat()
    assert note["created_at"][10] == "T" and note["created_at"][-6] in "+-"
    # every document version says where its file is in the ZIP
    paths = [v["path"] for d in sections["documenten"] for v in d["versions"]]
    assert all(path in archive.namelist() for path in paths)
    assert len(paths) == 5


def test_nothing_of_another_school_is_in_the_export(region, filled, tmp_path):
    archive, _steps = build(an_export(region))
    for name in archive.namelist():
        body = archive.read(name)
        if name.endswith(".pdf"):
            path = tmp_path / "page.pdf"
            path.write_bytes(body)
            text = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", str(path), "-"],  # noqa: S607
                capture_output=True,
                check=True,
            ).stdout.decode("utf-8")
        else:
            text = body.decode("utf-8", errors="replace")
        assert MARKER_B not in text, name
        assert region.school_b.name not in text, name
        assert MARKER_B not in name


def test_every_path_is_safe_to_unpack(region, filled):
    archive, _steps = build(an_export(region))
    names = archive.namelist()
    assert len(names) == len({name.casefold() for name in names})
    for name in names:
        assert not name.startswith("/")
        assert ".." not in name.split("/"), name
        assert "\\" not in name
        assert all(part and not part.startswith(".") for part in name.split("/")), name
    # the document whose title and file name try to climb out stays in its folder
    assert "documenten/Geheim_/v1-%2F..%2Fetc.txt" in names or any(
        name.startswith("documenten/") and "etc.txt" in name for name in names
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("..", "bestand"),
        ("  .verborgen ", "verborgen"),
        ("a/b\\c:d", "a_b_c_d"),
        ("CON.txt", "_CON.txt"),
        ("é" * 200 + ".pdf", "é" * 96 + ".pdf"),
    ],
)
def test_safe_name(text, expected):
    assert safe_name(text) == expected


def test_csv_cells_are_formula_safe_and_dutch_dated(region, filled):
    archive, _steps = build(an_export(region))
    text = archive.read("csv/signalen.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] and len(rows) == 3
    description = rows[1][-1]
    assert description.startswith("'=SUM")
    assert rows[1][6][2] == "/" and rows[1][6][5] == "/"  # dd/mm/yyyy hh:mm
    assert csv_cell(-3) == "-3"  # a number stays a number


def test_the_notes_in_the_export_are_audited_in_one_insert(
    region, filled, django_assert_max_num_queries
):
    report = an_export(region)
    before = AuditEvent.objects.filter(action=NOTE_IN_EXPORT.key).count()
    build(report)
    events = AuditEvent.objects.filter(action=NOTE_IN_EXPORT.key, actor=region.directie_a)
    assert events.count() - before == len(filled["notes"])
    assert set(events.values_list("dossier_id", flat=True)) == {region.dossier_a.pk}


def test_the_confidential_answers_stay_out(region, filled):
    from leersteun.models import Antwoord, Vraag

    vraag = Vraag.objects.filter(onderdeel__versie=filled["gesprek"].versie).first()
    Vraag.objects.filter(pk=vraag.pk).update(confidential=True, kind="short_text")
    Antwoord.objects.update_or_create(
        gesprek=filled["gesprek"], vraag=vraag, defaults={"value": "Deurcode 4711"}
    )
    archive, _steps = build(an_export(region))
    for name in archive.namelist():
        if not name.endswith(".pdf"):
            assert "4711" not in archive.read(name).decode("utf-8", errors="replace"), name
    answers = json.loads(archive.read("dossier.json"))["sections"]["samenwerkingsgesprekken"][0]
    withheld = [a for a in answers["answers"] if a["withheld"]]
    assert withheld and withheld[0]["answer"] == ""


def test_only_the_directie_and_only_the_requester(region):
    directie = user_flags(region.directie_a, region.dossier_a)
    report = an_export(region)
    assert check_export(directie, report) == ""
    # the zorgteam member to whom access management was delegated has no export
    for user in (region.zorg_a, region.clb_medewerker_a, region.directie_b):
        with pytest.raises(PermissionDenied):
            check_export(user_flags(user, region.dossier_a), an_export(region, user))
    # another directie member who has the reference does not open it
    from accounts.roles import Role
    from conftest import member

    colleague = member(region.school_a, Role.DIRECTIE)
    with pytest.raises(PermissionDenied):
        check_export(user_flags(colleague, region.dossier_a), report)
    report.include_confidential = True
    with pytest.raises(ValidationError):
        check_export(directie, report)


def test_a_requester_who_is_no_longer_directie_gets_nothing(region, filled):
    report = an_export(region)
    region.directie_a.memberships.update(end_date=timezone.localdate() - datetime.timedelta(days=1))
    from dossier.core.access import access_changed

    access_changed()
    with pytest.raises(PermissionDenied):
        build(report)


def test_every_section_registers_its_part_with_a_schema():
    parts = registry.export_parts
    assert {
        "signalen",
        "consultaties",
        "documenten",
        "samenwerkingsafspraken",
        "overleg",
        "samenwerkingsgesprekken",
        "leersteunvragen",
    } <= set(parts)
    for part in parts.values():
        assert part.schema["type"] == "object" and part.schema["required"]


def _paths(schema: dict, prefix: str = ""):
    for name, prop in schema["properties"].items():
        yield f"{prefix}{name}"
        items = prop.get("items") if prop.get("type") == "array" else None
        if items and items.get("type") == "object":
            yield from _paths(items, f"{prefix}{name}[].")


def test_docs_export_md_names_every_field_of_every_part():
    from django.conf import settings

    text = (settings.BASE_DIR / "docs" / "EXPORT.md").read_text()
    for part in registry.export_parts.values():
        assert f"`sections.{part.key}`" in text, part.key
        for path in _paths(part.schema):
            assert f"`{path}`" in text, f"{part.key}: {path}"
