"""Each dossier's content version moves on with every write to its rows, whichever way it is made.

The page cache (dossier.core.pagecache) serves a page again only while this number stands
still, so a write it misses would show people an old page: these tests write through the
ORM, ``QuerySet.update()``, bulk deletes and raw SQL, three foreign keys away from the dossier.
"""

import pytest
from django.apps import apps
from django.db import connection

from dossier.core.contentversion import (
    GUARD_TRIGGER,
    SHARED_LISTS,
    UNWATCHED,
    installed_triggers,
    watched_tables,
)
from dossier.core.models import Dossier, Thema
from signalen.models import Aanvulling, AanvullingVersie, Signaal
from signalen.tests.factories import (
    AanvullingFactory,
    SignaalFactory,
    clb_medewerker,
    school_served_by,
)
from signalen.workflow import Kind

pytestmark = pytest.mark.django_db


def version(dossier) -> int:
    return Dossier.objects.values_list("content_version", flat=True).get(pk=dossier.pk)


@pytest.fixture
def signal():
    medewerker = clb_medewerker()
    clb = medewerker.memberships.get().organisation
    school, directie = school_served_by(clb, grant_to=[medewerker])
    signaal = SignaalFactory(dossier=school.dossier, author=medewerker)
    AanvullingFactory(signaal=signaal, author=directie, kind=Kind.DUIDING)
    return signaal


def test_every_table_of_a_dossier_has_its_trigger():
    watched = {item.table for item in watched_tables()}
    installed = installed_triggers()
    assert watched <= set(installed), watched - set(installed)
    for label in SHARED_LISTS:
        assert apps.get_model(label)._meta.db_table in installed
    assert installed["dossier_dossier"] == GUARD_TRIGGER
    # the sections' tables, also those two and three keys away from the dossier
    assert {
        "signalen_signaal",
        "signalen_aanvulling",
        "signalen_aanvullingversie",
        "consultatie_consultatie",
        "consultatie_consultatie_themas",
        "dossier_document",
        "dossier_documentversie",
        "dossier_afspraakpartij",
        "dossier_structureeloverleg_documents",
        "dossier_report",
        "dossier_notification",
        "dossier_dossieruserobjectpermission",
        "leersteun_antwoordversie",
        "leersteun_leersteunvraag_themas",
    } <= watched
    # reading a note writes the audit log: that is no change of the content
    assert not watched & UNWATCHED


def test_every_lookup_finds_its_dossier_or_nothing():
    # the SQL of each multi-key way runs, and finds nothing for an id that does not exist
    with connection.cursor() as cursor:
        for item in watched_tables():
            if item.lookup:
                cursor.execute(item.lookup.replace("$1", "%s"), [-1])
                assert cursor.fetchall() == [], item.table


def test_a_model_with_a_key_to_the_dossier_is_watched_without_a_step_of_its_own():
    watched = {item.table for item in watched_tables()}
    for model in apps.get_models(include_auto_created=True):
        keys = [
            field
            for field in model._meta.concrete_fields
            if field.many_to_one and field.related_model is Dossier
        ]
        if keys and model._meta.db_table not in UNWATCHED:
            assert model._meta.db_table in watched, model._meta.label


def test_writes_through_the_orm_move_the_version_on(signal):
    dossier = signal.dossier
    before = version(dossier)
    signal.title = "Een andere titel"
    signal.save()
    after_save = version(dossier)
    assert after_save > before
    Signaal.objects.filter(pk=signal.pk).update(title="Nog een titel")  # no signals sent
    after_update = version(dossier)
    assert after_update > after_save
    Aanvulling.objects.filter(signaal=signal).update(text="Bijgewerkt")  # two keys away
    assert version(dossier) > after_update


def test_raw_sql_three_keys_away_and_deletes_move_it_on(signal):
    dossier = signal.dossier
    supplement = signal.aanvullingen.first()
    AanvullingVersie.objects.create(
        aanvulling=supplement, text="vroeger", written_at=supplement.created_at
    )
    before = version(dossier)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE signalen_aanvullingversie SET text = %s WHERE aanvulling_id = %s",
            ["anders", supplement.pk],
        )
    after_raw = version(dossier)
    assert after_raw > before
    AanvullingVersie.objects.filter(aanvulling=supplement).delete()
    assert version(dossier) > after_raw


def test_a_row_that_moves_to_another_dossier_moves_both_on(signal):
    other = SignaalFactory().dossier
    first_before, other_before = version(signal.dossier), version(other)
    Signaal.objects.filter(pk=signal.pk).update(dossier=other)
    assert version(signal.dossier) > first_before
    assert version(other) > other_before


def test_other_dossiers_stand_still(signal):
    other = SignaalFactory().dossier
    before = version(other)
    Signaal.objects.filter(pk=signal.pk).update(title="Alleen hier")
    assert version(other) == before


def test_a_stale_dossier_object_never_sets_the_number_back(signal):
    stale = Dossier.objects.get(pk=signal.dossier_id)
    Signaal.objects.filter(pk=signal.pk).update(title="Later")
    newer = version(stale)
    stale.save()  # carries the number it was read with
    assert version(stale) > newer


def test_a_theme_that_changes_moves_every_dossier_on(signal):
    other = SignaalFactory().dossier
    befores = version(signal.dossier), version(other)
    Thema.objects.filter(pk=signal.thema_id).update(name="Welbevinden (hernoemd)")
    assert version(signal.dossier) > befores[0]
    assert version(other) > befores[1]
