"""The LSC's conversation template: the starter, drafts, editing, publishing, comparing, access."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.urls import reverse

from conftest import build_full_region, log_in
from leersteun import starter
from leersteun.models import Onderdeel, Sjabloon, SjabloonVersie, Vraag
from leersteun.services import sjablonen as services
from leersteun.tests.factories import OnderdeelFactory, VraagFactory, version_with
from tests.test_query_budgets import REQUEST_OVERHEAD


@pytest.fixture
def full(db):
    return build_full_region()


def starter_version():
    return SjabloonVersie.objects.get(sjabloon__lsc__isnull=True)


def draft_of(full):
    draft, _created = services.sjabloon_draft_start(lsc=full.lsc_a, user=full.lsc_coordinator_a)
    return draft


def url(name, full, versie=None, **kwargs):
    kwargs = {"lsc_pk": full.lsc_a.pk, **kwargs}
    if versie is not None:
        kwargs["versie_pk"] = versie.pk
    return reverse(f"leersteun:{name}", kwargs=kwargs)


def contents(versie):
    """(part key, part title, [(question key, text)]) per part, in order."""
    return [
        (p.key, p.title, [(v.key, v.text) for v in p.vragen.order_by("position", "pk")])
        for p in versie.onderdelen.order_by("position", "pk")
    ]


# --- the starter template ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_starter_template_is_loaded_by_the_migration():
    versie = starter_version()
    assert versie.sjabloon.lsc is None
    assert versie.number == 1 and not versie.is_draft
    parts = list(versie.onderdelen.order_by("position"))
    assert [p.title for p in parts] == [p["title"] for p in starter.PARTS]
    assert len(parts) == 5
    questions = Vraag.objects.filter(onderdeel__versie=versie)
    assert 40 <= questions.count() <= 60
    assert set(questions.values_list("kind", flat=True)) == set(Vraag.Kind.values)
    assert set(questions.values_list("filled_by", flat=True)) == {"school", "lsc"}
    confidential = set(questions.filter(confidential=True).values_list("key", flat=True))
    assert {starter.starter_key(s) for s in ("wifi", "poort", "kopieren", "parking")} == (
        confidential
    )
    assert questions.get(key=starter.starter_key("ankerpersonen")).prefill == "ankerpersonen"
    assert questions.get(key=starter.starter_key("clb")).prefill == "clb"
    assert questions.get(key=starter.starter_key("vrije_dagen")).kind == "terms"
    # every choice question has options
    assert all(v.choice_list for v in questions.filter(kind="choice"))
    # installing again changes nothing
    assert starter.install() is False
    assert Sjabloon.objects.filter(lsc__isnull=True).count() == 1


# --- the draft --------------------------------------------------------------------------------


def test_a_draft_from_the_starter_keeps_every_key(full):
    draft, created = services.sjabloon_draft_start(lsc=full.lsc_a, user=full.lsc_coordinator_a)
    assert created and draft.is_draft and draft.number == 1
    assert draft.sjabloon.lsc == full.lsc_a
    assert draft.based_on == starter_version()
    assert contents(draft) == contents(starter_version())
    # a second start returns the same draft
    again, created = services.sjabloon_draft_start(lsc=full.lsc_a, user=full.lsc_coordinator_a)
    assert again == draft and not created


def test_a_new_draft_is_copied_from_the_lscs_own_newest_version(full, client):
    draft = draft_of(full)
    services.vraag_add(
        versie=draft,
        user=full.lsc_coordinator_a,
        onderdeel=draft.onderdelen.first(),
        text="Eigen vraag",
        kind="yes_no",
    )
    services.versie_publish(versie=draft, user=full.lsc_coordinator_a)
    log_in(client, full.lsc_coordinator_a)
    response = client.post(url("draft_start", full))
    second = SjabloonVersie.objects.get(sjabloon__lsc=full.lsc_a, published_at__isnull=True)
    assert response.status_code == 302
    assert response["Location"] == url("versie", full, second)
    assert second.number == 2 and second.based_on == draft
    assert contents(second) == contents(draft)


def test_the_coordinator_edits_a_draft_in_the_app(full, client):
    draft = draft_of(full)
    log_in(client, full.lsc_coordinator_a)
    response = client.post(
        url("onderdeel_add", full, draft), {"title": "Terugblik", "intro": "Wat liep goed?"}
    )
    assert response.status_code == 302
    part = draft.onderdelen.get(title="Terugblik")
    assert part.position == 5
    response = client.post(
        url("vraag_add", full, draft, onderdeel_pk=part.pk),
        {
            "text": "Hoe tevreden is de school?",
            "kind": "choice",
            "choices": "Tevreden\n\n Heel tevreden \nTevreden",
            "filled_by": "school",
            "help_text": "Eén keuze",
        },
    )
    assert response.status_code == 302
    vraag = part.vragen.get()
    assert vraag.choice_list == ["Tevreden", "Heel tevreden"]
    key = vraag.key
    response = client.post(
        url("vraag_edit", full, draft, vraag_pk=vraag.pk),
        {
            "onderdeel": str(part.pk),
            "text": "Hoe tevreden is de school over de samenwerking?",
            "kind": "long_text",
            "filled_by": "lsc",
            "confidential": "on",
        },
    )
    assert response.status_code == 302
    vraag.refresh_from_db()
    assert (vraag.text, vraag.kind, vraag.filled_by, vraag.confidential, vraag.choices) == (
        "Hoe tevreden is de school over de samenwerking?",
        "long_text",
        "lsc",
        True,
        "",
    )
    assert vraag.key == key
    client.post(url("onderdeel_edit", full, draft, onderdeel_pk=part.pk), {"title": "Evaluatie"})
    part.refresh_from_db()
    assert part.title == "Evaluatie"
    # the edit pages render, with labels for every input
    page = client.get(url("vraag_edit", full, draft, vraag_pk=vraag.pk)).content.decode()
    for name in ("onderdeel", "text", "help_text", "kind", "choices", "prefill", "confidential"):
        assert f'for="id_{name}"' in page
    response = client.post(url("vraag_delete", full, draft, vraag_pk=vraag.pk))
    assert response.status_code == 302 and not part.vragen.exists()
    client.post(url("onderdeel_delete", full, draft, onderdeel_pk=part.pk))
    assert not draft.onderdelen.filter(pk=part.pk).exists()


def test_bad_question_input_is_refused_with_a_message(full, client):
    draft = draft_of(full)
    part = draft.onderdelen.first()
    log_in(client, full.lsc_coordinator_a)
    before = Vraag.objects.count()
    response = client.post(
        url("vraag_add", full, draft, onderdeel_pk=part.pk),
        {"text": "Welke?", "kind": "choice", "choices": " \n ", "filled_by": "school"},
    )
    assert response.status_code == 400
    assert "at least one option" in response.content.decode() or "minstens" in (
        response.content.decode()
    )
    response = client.post(
        url("vraag_add", full, draft, onderdeel_pk=part.pk),
        {"text": "Aantal?", "kind": "number", "filled_by": "school", "prefill": "school_name"},
    )
    assert response.status_code == 400
    response = client.post(url("onderdeel_add", full, draft), {"title": "   "})
    assert response.status_code == 400
    assert Vraag.objects.count() == before


def test_moving_parts_and_questions(full, client):
    draft = draft_of(full)
    log_in(client, full.lsc_coordinator_a)
    parts = list(draft.onderdelen.order_by("position"))
    client.post(url("onderdeel_move", full, draft, onderdeel_pk=parts[1].pk), {"direction": "up"})
    assert [p.pk for p in draft.onderdelen.order_by("position")][:2] == [parts[1].pk, parts[0].pk]
    # the first part cannot go further up
    response = client.post(
        url("onderdeel_move", full, draft, onderdeel_pk=parts[1].pk), {"direction": "up"}
    )
    assert response.status_code == 302
    assert draft.onderdelen.order_by("position").first() == parts[1]
    # a question moves down within its part, then from the bottom into the next part
    first = parts[1]
    vragen = list(first.vragen.order_by("position"))
    client.post(url("vraag_move", full, draft, vraag_pk=vragen[0].pk), {"direction": "down"})
    assert list(first.vragen.order_by("position"))[:2] == [vragen[1], vragen[0]]
    last = first.vragen.order_by("position").last()
    client.post(url("vraag_move", full, draft, vraag_pk=last.pk), {"direction": "down"})
    last.refresh_from_db()
    assert last.onderdeel == parts[0] and last.position == 0
    assert list(parts[0].vragen.order_by("position").values_list("position", flat=True)) == list(
        range(parts[0].vragen.count())
    )
    # junk direction: a message, nothing moves
    response = client.post(url("vraag_move", full, draft, vraag_pk=last.pk), {"direction": "x"})
    assert response.status_code == 302
    last.refresh_from_db()
    assert last.position == 0


# --- publishing --------------------------------------------------------------------------------


def test_publishing_makes_the_draft_the_version_in_use(full, client):
    from leersteun.selectors.sjablonen import published_version_for

    draft = draft_of(full)
    assert published_version_for(full.lsc_a.pk) == starter_version()
    log_in(client, full.lsc_coordinator_a)
    response = client.post(url("versie_publish", full, draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is not None and draft.published_by == full.lsc_coordinator_a
    assert published_version_for(full.lsc_a.pk) == draft


@pytest.mark.parametrize("problem", ["no_questions", "choice_without_options", "empty_title"])
def test_publishing_a_bad_draft_is_refused_and_nothing_is_written(full, client, problem):
    draft = draft_of(full)
    if problem == "no_questions":
        Vraag.objects.filter(onderdeel__versie=draft).delete()
        expected = "at least one question"
    elif problem == "choice_without_options":
        # only the admin or raw writes can leave such a question; publishing still refuses it
        Vraag.objects.filter(onderdeel__versie=draft, kind="choice").update(choices=" \n ")
        expected = "has no options"
    else:
        Onderdeel.objects.filter(pk=draft.onderdelen.first().pk).update(title=" ")
        expected = "has no title"
    log_in(client, full.lsc_coordinator_a)
    response = client.post(url("versie_publish", full, draft))
    assert response.status_code == 400
    page = response.content.decode()
    assert expected in page or 'role="alert"' in page
    draft.refresh_from_db()
    assert draft.is_draft and draft.published_by is None


def test_a_published_version_never_changes(full, client):
    from leersteun.models import Gesprek

    draft = draft_of(full)
    services.versie_publish(versie=draft, user=full.lsc_coordinator_a)
    gesprek = Gesprek.objects.create(
        dossier=full.dossier_a,
        lsc=full.lsc_a,
        school_year="2026-2027",
        versie=draft,
        created_by=full.lsc_anker_a,
    )
    before = contents(draft)
    part = draft.onderdelen.first()
    vraag = part.vragen.first()
    log_in(client, full.lsc_coordinator_a)
    attempts = [
        ("onderdeel_add", {}, {"title": "Nieuw"}),
        ("onderdeel_edit", {"onderdeel_pk": part.pk}, {"title": "Anders"}),
        ("onderdeel_delete", {"onderdeel_pk": part.pk}, {}),
        ("onderdeel_move", {"onderdeel_pk": part.pk}, {"direction": "down"}),
        ("vraag_add", {"onderdeel_pk": part.pk}, {"text": "Nieuw?", "kind": "short_text"}),
        ("vraag_edit", {"vraag_pk": vraag.pk}, {"text": "Anders?", "kind": "short_text"}),
        ("vraag_delete", {"vraag_pk": vraag.pk}, {}),
        ("vraag_move", {"vraag_pk": vraag.pk}, {"direction": "down"}),
        ("versie_publish", {}, {}),
    ]
    for name, kwargs, data in attempts:
        response = client.post(url(name, full, draft, **kwargs), data)
        assert response.status_code == 403, name
        assert "cannot be changed" in response.content.decode() or "gepubliceerd" in (
            response.content.decode()
        )
    response = client.get(url("vraag_edit", full, draft, vraag_pk=vraag.pk))
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.vraag_delete(versie=draft, user=full.lsc_coordinator_a, vraag=vraag)
    assert contents(draft) == before
    gesprek.refresh_from_db()
    assert gesprek.versie == draft
    # the next draft is a copy; changing it leaves the conversation's version as it was
    second = draft_of(full)
    services.vraag_delete(
        versie=second,
        user=full.lsc_coordinator_a,
        vraag=Vraag.objects.get(onderdeel__versie=second, key=vraag.key),
    )
    assert contents(gesprek.versie) == before
    # the version page shows no edit controls
    page = client.get(url("versie", full, draft)).content.decode()
    assert url("vraag_edit", full, draft, vraag_pk=vraag.pk) not in page


# --- comparing ---------------------------------------------------------------------------------


def test_the_diff_shows_what_changed(full, client):
    draft = draft_of(full)
    user = full.lsc_coordinator_a
    parts = list(draft.onderdelen.order_by("position"))
    key = starter.starter_key
    q = {v.key: v for v in Vraag.objects.filter(onderdeel__versie=draft)}
    added = services.vraag_add(
        versie=draft, user=user, onderdeel=parts[3], text="Hoe vaak overleggen we?", kind="number"
    )
    services.vraag_delete(versie=draft, user=user, vraag=q[key("website")])
    reworded = q[key("prioriteit")]
    services.vraag_update(
        versie=draft,
        user=user,
        vraag=reworded,
        text="Wat is de prioriteit van de school dit jaar?",
        kind="long_text",
        filled_by="lsc",
    )
    services.vraag_update(
        versie=draft,
        user=user,
        vraag=q[key("kanaal")],
        text=q[key("kanaal")].text,
        kind="choice",
        choices=q[key("kanaal")].choices,
        onderdeel=parts[4],
    )
    services.vraag_move(versie=draft, user=user, vraag=q[key("missie_niveau")], direction="up")
    services.onderdeel_update(versie=draft, user=user, onderdeel=parts[1], title="Voorwaarden")
    services.versie_publish(versie=draft, user=user)

    log_in(client, full.lsc_anker_a)  # staff who are not coördinator read the diff too
    response = client.get(url("versie_diff", full))
    assert response.status_code == 200
    diff = response.context["diff"]
    assert response.context["old"] == starter_version()
    assert [v.key for v in diff.added] == [added.key]
    assert [v.key for v in diff.removed] == [key("website")]
    changes = {c.new.key: c for c in diff.changed}
    assert changes[key("prioriteit")].reworded
    assert changes[key("prioriteit")].old.text == (
        "Welke prioriteit koos de school dit schooljaar in haar prioriteitenplan?"
    )
    assert [(old, new) for _what, old, new in changes[key("prioriteit")].fields] == [
        (str(Vraag.Kind.SHORT_TEXT.label), str(Vraag.Kind.LONG_TEXT.label)),
        (str(Vraag.FilledBy.SCHOOL.label), str(Vraag.FilledBy.LSC.label)),
    ]
    assert changes[key("kanaal")].other_part == ("Communicatie", "Praktische informatie")
    # two neighbours swapped: one of them is shown as moved, neither as reworded
    swapped = [changes.get(key(slug)) for slug in ("missie_niveau", "missie_domein")]
    assert [c.moved for c in swapped if c] == [True]
    assert not any(c.reworded for c in swapped if c)
    assert [(o.title, n.title) for o, n in diff.parts_renamed] == [("Filters", "Voorwaarden")]
    page = response.content.decode()
    assert "Wat is de prioriteit van de school dit jaar?" in page
    assert "Hoe vaak overleggen we?" in page


def test_the_diff_between_two_own_versions_and_bad_ids(full, client):
    first = draft_of(full)
    services.versie_publish(versie=first, user=full.lsc_coordinator_a)
    second = draft_of(full)
    services.onderdeel_add(versie=second, user=full.lsc_coordinator_a, title="Terugblik")
    log_in(client, full.lsc_coordinator_a)
    response = client.get(url("versie_diff", full))
    assert response.context["old"] == first and response.context["new"] == second
    assert [p.title for p in response.context["diff"].parts_added] == ["Terugblik"]
    other = version_with(questions=2, published=True)  # another LSC's template
    for query in (
        {"van": "abc", "naar": second.pk},
        {"van": other.pk, "naar": second.pk},
        {"van": 999999999, "naar": second.pk},
        {"van": first.pk},
        {"van": "9" * 40, "naar": "-1"},
    ):
        response = client.get(url("versie_diff", full), query)
        assert response.status_code == 400, query
        assert 'role="alert"' in response.content.decode()
    # the starter compared with itself: no change
    response = client.get(
        url("versie_diff", full), {"van": starter_version().pk, "naar": starter_version().pk}
    )
    assert response.status_code == 200 and response.context["diff"].is_empty


def test_the_diff_page_before_the_lsc_has_its_own_template(full, client):
    log_in(client, full.lsc_anker_a)
    response = client.get(url("versie_diff", full))
    assert response.status_code == 200 and response.context["nothing"]


# --- who -------------------------------------------------------------------------------------


def test_the_template_page_shows_the_starter_until_the_lsc_adapts_it(full, client):
    log_in(client, full.lsc_anker_a)
    response = client.get(url("sjabloon", full))
    assert response.status_code == 200
    assert response.context["starter"] == starter_version()
    assert url("draft_start", full) not in response.content.decode()
    log_in(client, full.lsc_coordinator_a)
    page = client.get(url("sjabloon", full)).content.decode()
    assert url("draft_start", full) in page


def test_who_reads_and_who_writes(full, client):
    draft = draft_of(full)
    part = draft.onderdelen.first()
    reads = [url("sjabloon", full), url("versie", full, draft), url("versie_diff", full)]
    writes = [
        url("draft_start", full),
        url("onderdeel_add", full, draft),
        url("vraag_move", full, draft, vraag_pk=part.vragen.first().pk),
        url("versie_publish", full, draft),
    ]
    for persona, read, write in (
        ("lsc_coordinator_a", 200, None),
        ("lsc_anker_a", 200, 403),
        ("directie_a", 404, 404),
        ("clb_medewerker_a", 404, 404),
        ("platform_admin", 404, 404),
        ("pbd_begeleider_a", 404, 404),
    ):
        log_in(client, getattr(full, persona))
        for address in reads:
            assert client.get(address).status_code == read, (persona, address)
        if write is not None:
            for address in writes:
                assert client.post(address, {"direction": "up"}).status_code == write, (
                    persona,
                    address,
                )
    draft.refresh_from_db()
    assert draft.is_draft
    # another LSC's version, through LSC A's address: 404
    other = version_with(questions=1)
    log_in(client, full.lsc_coordinator_a)
    assert client.get(url("versie", full, other)).status_code == 404
    assert client.post(url("versie_publish", full, other)).status_code == 404
    # a school's id in the LSC's place: 404, even for its own directie
    log_in(client, full.directie_a)
    address = reverse("leersteun:sjabloon", kwargs={"lsc_pk": full.school_a.pk})
    assert client.get(address).status_code == 404


def test_the_services_check_the_coordinator_too(full):
    draft = draft_of(full)
    with pytest.raises(PermissionDenied):
        services.sjabloon_draft_start(lsc=full.lsc_a, user=full.lsc_anker_a)
    with pytest.raises(PermissionDenied):
        services.onderdeel_add(versie=draft, user=full.lsc_anker_a, title="Nee")
    with pytest.raises(PermissionDenied):
        services.versie_publish(versie=draft, user=full.directie_a)


# --- query budget ----------------------------------------------------------------------------


def _template_of(full, size):
    sjabloon = Sjabloon.objects.create(lsc=full.lsc_a, name="Budget")
    versie = version_with(questions=size, parts=5, sjabloon=sjabloon, number=1)
    kinds = list(Vraag.Kind.values)
    for index, vraag in enumerate(Vraag.objects.filter(onderdeel__versie=versie)):
        vraag.kind = kinds[index % len(kinds)]
        vraag.choices = "A\nB" if vraag.kind == "choice" else ""
        vraag.confidential = index % 3 == 0
        vraag.save()
    return versie


@pytest.mark.parametrize("size", [10, 80])
def test_the_version_page_costs_the_same_at_10_and_80_questions(
    client, db, django_assert_num_queries, size
):
    full = build_full_region()
    versie = _template_of(full, size)
    log_in(client, full.lsc_coordinator_a)
    # the first request may find the person's memberships (then kept briefly, like the
    # readable dossier ids)
    client.get(url("versie", full, versie))
    # then: the LSC, the version (with its template), its parts, their questions, its filters
    with django_assert_num_queries(REQUEST_OVERHEAD + 5):
        response = client.get(url("versie", full, versie))
    assert response.status_code == 200
    assert response.context["question_count"] == size
    assert response.context["can_edit"]


def test_factories_build_what_other_tests_need(db):
    vraag = VraagFactory(kind="choice")
    assert vraag.choice_list and vraag.onderdeel.versie.is_draft
    part = OnderdeelFactory()
    assert part.versie.sjabloon.lsc.kind == "lsc"
    versie = version_with(questions=4, parts=2, published=True)
    assert not versie.is_draft
    assert versie.onderdelen.annotate(n=Count("vragen")).filter(n=2).count() == 2
