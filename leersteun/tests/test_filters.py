"""The filters as template data: the starter's, an LSC's own, editing them in a draft, the diff."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import build_full_region, log_in
from leersteun import starter
from leersteun.models import Filter, SjabloonVersie
from leersteun.selectors.filters import filters_for
from leersteun.selectors.sjablonen import version_for_lsc, versions_compare
from leersteun.services import sjablonen as services
from leersteun.tests.factories import SjabloonFactory, SjabloonVersieFactory

SLUGS = ["fase", "collectief", "mandaat", "overleg", "duurzaamheid", "bundelen", "capaciteit"]


@pytest.fixture
def full(db):
    return build_full_region()


def starter_version():
    return SjabloonVersie.objects.get(sjabloon__lsc__isnull=True)


def draft_of(full):
    draft, _created = services.sjabloon_draft_start(lsc=full.lsc_a, user=full.lsc_coordinator_a)
    return draft


def url(name, full, versie, **kwargs):
    return reverse(
        f"leersteun:{name}", kwargs={"lsc_pk": full.lsc_a.pk, "versie_pk": versie.pk, **kwargs}
    )


# --- the starter's filters ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_starter_has_the_seven_filters_with_stable_keys():
    filters = list(starter_version().filters.order_by("position"))
    assert [f.key for f in filters] == [starter.starter_key(f"filter/{s}") for s in SLUGS]
    assert [f.name for f in filters] == [
        "Juiste fase",
        "Collectieve verantwoordelijkheid",
        "Mandaat",
        "Ruimte voor overleg",
        "Duurzaamheid",
        "Bundelen en verankeren",
        "Capaciteitsbewaking",
    ]
    assert all(f.description for f in filters)


@pytest.mark.django_db
def test_install_is_idempotent_and_fills_a_starter_without_filters():
    assert starter.install() is False
    assert Filter.objects.filter(versie=starter_version()).count() == 7
    Filter.objects.filter(versie=starter_version()).delete()
    starter.install()
    starter.install()
    assert Filter.objects.filter(versie=starter_version()).count() == 7


@pytest.mark.django_db
def test_the_data_migration_step_loads_them_with_historical_models():
    from django.apps import apps as global_apps
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    Filter.objects.filter(versie=starter_version()).delete()
    state = MigrationExecutor(connection).loader.project_state(
        ("leersteun", "0004_starter_filters")
    )
    migration = __import__("leersteun.migrations.0004_starter_filters", fromlist=["load"])
    migration.load(state.apps, None)
    assert Filter.objects.filter(versie=starter_version()).count() == 7
    assert global_apps.get_model("leersteun", "Filter") is Filter


# --- which filters an LSC uses -------------------------------------------------------------------


def test_an_lsc_without_its_own_filters_uses_the_starters(full):
    assert [f.name for f in filters_for(full.lsc_a.pk)][0] == "Juiste fase"
    # a published own version without filters falls back as well
    SjabloonVersieFactory(sjabloon=SjabloonFactory(lsc=full.lsc_a), published=True)
    assert len(filters_for(full.lsc_a.pk)) == 7


def test_an_lsc_uses_the_filters_of_its_newest_published_version(full):
    draft = draft_of(full)
    services.filter_add(versie=draft, user=full.lsc_coordinator_a, name="Eigen filter")
    # a draft does not count yet
    assert "Eigen filter" not in [f.name for f in filters_for(full.lsc_a.pk)]
    services.versie_publish(versie=draft, user=full.lsc_coordinator_a)
    names = [f.name for f in filters_for(full.lsc_a.pk)]
    assert names[-1] == "Eigen filter" and len(names) == 8


def test_a_draft_copies_the_filters_keeping_their_keys(full):
    draft = draft_of(full)
    assert list(draft.filters.order_by("position").values_list("key", "name")) == list(
        starter_version().filters.order_by("position").values_list("key", "name")
    )


# --- editing them in a draft ---------------------------------------------------------------------


def test_the_coordinator_adds_rewords_moves_and_removes_filters(client, full):
    draft = draft_of(full)
    log_in(client, full.lsc_coordinator_a)
    response = client.get(
        reverse("leersteun:versie", kwargs={"lsc_pk": full.lsc_a.pk, "versie_pk": draft.pk})
    )
    assert response.status_code == 200
    assert b'id="filters"' in response.content
    assert len(response.context["filters"]) == 7

    response = client.post(
        url("filter_add", full, draft), {"name": "  Nieuw  ", "description": "x"}
    )
    assert response.status_code == 302
    new = draft.filters.get(name="Nieuw")
    assert new.position == 7

    first = draft.filters.get(position=0)
    response = client.post(
        url("filter_edit", full, draft, filter_pk=first.pk),
        {"name": "De juiste fase", "description": "Anders gezegd"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.name == "De juiste fase"
    assert first.key == starter.starter_key("filter/fase")

    response = client.post(
        url("filter_move", full, draft, filter_pk=first.pk), {"direction": "down"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.position == 1

    response = client.post(url("filter_delete", full, draft, filter_pk=new.pk))
    assert response.status_code == 302
    assert not draft.filters.filter(pk=new.pk).exists()
    assert list(draft.filters.values_list("position", flat=True).order_by("position")) == list(
        range(7)
    )


def test_a_filter_without_a_name_is_refused(client, full):
    draft = draft_of(full)
    log_in(client, full.lsc_coordinator_a)
    response = client.post(url("filter_add", full, draft), {"name": "   "})
    assert response.status_code == 400
    assert draft.filters.count() == 7


def test_a_bad_direction_changes_nothing(client, full):
    draft = draft_of(full)
    log_in(client, full.lsc_coordinator_a)
    first = draft.filters.get(position=0)
    response = client.post(url("filter_move", full, draft, filter_pk=first.pk), {"direction": "x"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.position == 0


def test_published_versions_never_change(client, full):
    versie = starter_version()
    own = SjabloonVersieFactory(sjabloon=SjabloonFactory(lsc=full.lsc_a), published=True)
    Filter.objects.create(versie=own, name="Vast")
    item = own.filters.get()
    log_in(client, full.lsc_coordinator_a)
    response = client.post(url("filter_edit", full, own, filter_pk=item.pk), {"name": "Anders"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.name == "Vast"
    with pytest.raises(PermissionDenied):
        services.filter_add(versie=own, user=full.lsc_coordinator_a, name="Nee")
    # the starter is not the LSC's to edit at all
    response = client.post(url("filter_add", full, versie), {"name": "Nee"})
    assert response.status_code == 404
    assert versie.filters.count() == 7


@pytest.mark.parametrize(
    ("persona", "status"),
    [("lsc_anker_a", 403), ("directie_a", 404), ("platform_admin", 404), ("clb_medewerker_a", 404)],
)
def test_only_the_coordinator_edits_filters(client, full, persona, status):
    draft = draft_of(full)
    log_in(client, getattr(full, persona))
    response = client.post(url("filter_add", full, draft), {"name": "Nieuw"})
    assert response.status_code == status
    assert draft.filters.count() == 7


# --- the diff --------------------------------------------------------------------------------------


def test_the_diff_lists_filters_added_removed_and_reworded(client, full):
    draft = draft_of(full)
    user = full.lsc_coordinator_a
    filters = list(draft.filters.order_by("position"))
    services.filter_update(versie=draft, user=user, filter=filters[0], name="Fase")
    services.filter_delete(versie=draft, user=user, filter=filters[1])
    services.filter_add(versie=draft, user=user, name="Ouders betrokken")
    old = version_for_lsc(full.lsc_a.pk, starter_version().pk)
    new = version_for_lsc(full.lsc_a.pk, draft.pk)
    diff = versions_compare(old, new)
    assert [f.name for f in diff.filters_added] == ["Ouders betrokken"]
    assert [f.name for f in diff.filters_removed] == ["Collectieve verantwoordelijkheid"]
    assert [(c.old.name, c.new.name) for c in diff.filters_changed] == [("Juiste fase", "Fase")]
    assert not diff.is_empty

    log_in(client, user)
    response = client.get(
        reverse("leersteun:versie_diff", kwargs={"lsc_pk": full.lsc_a.pk}),
        {"van": old.pk, "naar": new.pk},
    )
    assert response.status_code == 200
    assert "Ouders betrokken" in response.content.decode()


def test_an_unchanged_copy_has_an_empty_diff(full):
    draft = draft_of(full)
    old = version_for_lsc(full.lsc_a.pk, starter_version().pk)
    new = version_for_lsc(full.lsc_a.pk, draft.pk)
    assert versions_compare(old, new).is_empty
