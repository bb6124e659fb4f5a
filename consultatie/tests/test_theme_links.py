"""The note-theme links carry the note's dossier and school year, so the theme overview counts
from them alone: the services keep the copies right, the overview counts what the notes say,
and the migrations fill the copies of links that existed before."""

import datetime
import importlib
from collections import Counter

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from consultatie.models import Consultatie, ConsultatieThema
from consultatie.selectors import theme_overview
from consultatie.services import consultatie_update
from consultatie.tests.factories import ConsultatieFactory, ThemaFactory
from consultatie.tests.test_services import fields_of, write
from dossier.core.access import user_flags
from dossier.core.services import AccessLevel, access_grant

fill = importlib.import_module("consultatie.migrations.0004_fill_consultatiethema")

OCT_2025 = datetime.date(2025, 10, 15)


def links_of(note):
    return sorted(
        ConsultatieThema.objects.filter(consultatie=note).values_list(
            "thema_id", "dossier_id", "school_year"
        )
    )


@pytest.mark.django_db
def test_a_new_note_s_links_carry_its_dossier_and_school_year(region, thema, other_thema):
    note = write(region, themas=[thema, other_thema], date=OCT_2025)
    assert links_of(note) == sorted(
        [
            (thema.pk, region.dossier_a.pk, "2025-2026"),
            (other_thema.pk, region.dossier_a.pk, "2025-2026"),
        ]
    )


@pytest.mark.django_db
def test_the_links_follow_a_date_change_across_the_school_year_boundary(region, thema, other_thema):
    note = write(region, themas=[thema], date=datetime.date(2025, 9, 1))
    assert links_of(note) == [(thema.pk, region.dossier_a.pk, "2025-2026")]
    # a day earlier is the previous school year; the kept theme moves along, the new one too
    note = consultatie_update(
        note=note,
        editor=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, note.dossier),
        **fields_of(note, date=datetime.date(2025, 8, 31), themas=[thema, other_thema]),
    )
    assert note.school_year == "2024-2025"
    assert links_of(note) == sorted(
        [
            (thema.pk, region.dossier_a.pk, "2024-2025"),
            (other_thema.pk, region.dossier_a.pk, "2024-2025"),
        ]
    )
    overview = theme_overview([region.dossier_a.pk])
    assert overview.years == ["2024-2025"]


@pytest.mark.django_db
def test_an_update_within_the_school_year_leaves_the_links_alone(region, thema, other_thema):
    note = write(region, themas=[thema, other_thema], date=OCT_2025)
    before = links_of(note)
    note = consultatie_update(
        note=note,
        editor=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, note.dossier),
        **fields_of(note, date=datetime.date(2025, 11, 3)),
    )
    assert links_of(note) == before


@pytest.mark.django_db
def test_the_overview_counts_what_the_notes_say(region, thema, other_thema):
    third = ThemaFactory(name="Gedrag (test)", position=3)
    access_grant(
        dossier=region.dossier_b,
        granted_by=region.directie_b,
        access=user_flags(region.directie_b, region.dossier_b),
        user=region.clb_medewerker_other,
        level=AccessLevel.CONTRIBUTE,
    )
    days = [datetime.date(2023, 10, 2) + datetime.timedelta(days=47 * i) for i in range(18)]
    choices = [[thema], [thema, other_thema], [other_thema, third], [third]]
    for index, day in enumerate(days):
        write(region, themas=choices[index % 4], date=day)
        if index % 3 == 0:
            ConsultatieFactory(
                dossier=region.dossier_b,
                author=region.clb_medewerker_other,
                themas=choices[(index + 1) % 4],
                date=day,
            )
    # one note moves to another school year afterwards
    moved = Consultatie.objects.filter(dossier=region.dossier_a).order_by("date").first()
    consultatie_update(
        note=moved,
        editor=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, moved.dossier),
        **fields_of(moved, date=datetime.date(2025, 1, 6)),
    )
    for ids in (
        [region.dossier_a.pk],
        [region.dossier_b.pk],
        [region.dossier_a.pk, region.dossier_b.pk],
    ):
        expected = Counter(
            (name, year)
            for name, year in Consultatie.objects.filter(dossier_id__in=ids).values_list(
                "themas__name", "school_year"
            )
        )
        overview = theme_overview(ids)
        counted = Counter(
            {
                (name, year): count
                for name, counts, _total in overview.rows
                for year, count in zip(overview.years, counts, strict=True)
                if count
            }
        )
        assert counted == expected
        assert overview.years == sorted({year for _name, year in expected})


@pytest.mark.django_db
@pytest.mark.parametrize("vendor", ["postgresql", "portable"])
def test_the_fill_gives_every_link_its_note_s_dossier_and_school_year(
    region, thema, other_thema, vendor
):
    if vendor == "postgresql" and connection.vendor != "postgresql":
        pytest.skip("UPDATE ... FROM as written for PostgreSQL")
    first = write(region, themas=[thema, other_thema], date=datetime.date(2024, 3, 1))
    second = write(region, themas=[thema], date=OCT_2025)
    expected = {note.pk: links_of(note) for note in (first, second)}
    # links whose copies say something else, as before the columns existed
    ConsultatieThema.objects.update(dossier_id=region.dossier_b.pk, school_year="1999-2000")
    with connection.cursor() as cursor:
        cursor.execute(fill.FILL_POSTGRESQL if vendor == "postgresql" else fill.FILL_PORTABLE)
    assert {note.pk: links_of(note) for note in (first, second)} == expected


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_links_that_existed_before(region, thema, other_thema):
    note = write(region, themas=[thema, other_thema], date=datetime.date(2024, 3, 1))
    expected = links_of(note)
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("consultatie", "0003_consultatiethema")])
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE consultatie_consultatie_themas SET dossier_id = NULL, school_year = NULL"
            )
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert links_of(note) == expected
