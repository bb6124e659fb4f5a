"""Full-text search over consultation notes and signals, on PostgreSQL.

The Dutch stemmer maps "fietsen" to 'fiets' but the query "fiets" to 'fiet', so every term is
matched as a prefix: these tests hold that inflected and partial words are found, that every
term must match, that more mentions rank higher, that nobody finds anything in a dossier they
may not read, and that the Zoeken page escapes what people wrote.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultatie.models import AskedBy, Consultatie, SubjectKind
from consultatie.selectors import search_notes
from consultatie.services import _search_text, consultatie_create
from dossier.core.access import user_flags
from dossier.core.models import Thema
from dossier.core.services import AccessLevel, access_grant
from samenwerking.schoolyear import school_year_of
from samenwerking.search import RANKED, RECENT
from signalen.models import Bron, Signaal
from signalen.selectors import search_signals
from signalen.services import signaal_create

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("zoeken:zoeken")

FIETSEN = "De leerlingen laten hun fietsen kriskras op de speelplaats staan."
STALLING = "De school vraagt advies over een veiligere fietsenstalling aan de poort."
PESTEN = "Meldingen van pesten in de refter tijdens de middagpauze."
GEPEST = "Een leerling van 4B wordt al weken gepest via sociale media."


@pytest.fixture
def thema():
    return Thema.objects.get_or_create(name="Welbevinden (zoektest)", defaults={"position": 1})[0]


@pytest.fixture
def bron():
    return Bron.objects.get_or_create(name="Eigen observatie (zoektest)", defaults={"position": 1})[
        0
    ]


def note(dossier, author, thema, question, *, label="5B", advice="", days_ago=10):
    return consultatie_create(
        dossier=dossier,
        author=author,
        access=user_flags(author, dossier),
        themas=[thema],
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        asked_by=AskedBy.ZORGCOORDINATOR,
        subject_kind=SubjectKind.KLAS,
        label=label,
        question=question,
        advice=advice,
    )


@pytest.fixture
def notes(region, thema):
    """Notes in school A's dossier, written by the CLB medewerker of CLB Leie."""
    author = region.clb_medewerker_a
    return {
        "fietsen": note(region.dossier_a, author, thema, FIETSEN),
        "stalling": note(region.dossier_a, author, thema, STALLING),
        "pesten": note(region.dossier_a, author, thema, PESTEN),
        "gepest": note(region.dossier_a, author, thema, GEPEST),
    }


@pytest.fixture
def note_b(region, thema):
    """A note about fietsen in school B's dossier, by the medewerker of CLB Schelde."""
    access_grant(
        dossier=region.dossier_b,
        granted_by=region.directie_b,
        access=user_flags(region.directie_b, region.dossier_b),
        user=region.clb_medewerker_other,
        level=AccessLevel.CONTRIBUTE,
    )
    return note(
        region.dossier_b,
        region.clb_medewerker_other,
        thema,
        "Ook in het Sint-Lievenscollege staan de fietsen overal.",
    )


@pytest.fixture
def signaal(region, thema, bron):
    return signaal_create(
        dossier=region.dossier_a,
        author=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, region.dossier_a),
        title="Gestolen fietsen aan de schoolpoort",
        text="Drie ouders meldden deze maand een gestolen fiets.",
        thema=thema,
        bron=bron,
    )


def detail_url(consultatie: Consultatie) -> str:
    return reverse("consultatie:detail", args=[consultatie.dossier_id, consultatie.pk])


def pks(rows):
    return {row.pk for row in rows}


# --- what a query finds ----------------------------------------------------------------------


def test_a_prefix_finds_inflected_and_partial_words(region, notes, signaal):
    found = search_notes(region.clb_medewerker_a, "fiets")
    assert pks(found) == {notes["fietsen"].pk, notes["stalling"].pk}
    assert pks(search_signals(region.clb_medewerker_a, "fiets")) == {signaal.pk}
    # upper case and surrounding punctuation change nothing
    assert pks(search_notes(region.clb_medewerker_a, "  FIETS!? ")) == pks(found)


def test_pest_finds_pesten_and_the_full_word_finds_gepest(region, notes):
    assert notes["pesten"].pk in pks(search_notes(region.clb_medewerker_a, "pest"))
    assert pks(search_notes(region.clb_medewerker_a, "pesten")) >= {notes["pesten"].pk}
    assert pks(search_notes(region.clb_medewerker_a, "gepest")) == {notes["gepest"].pk}
    # the past participle puts "ge" before the stem: "pest" and "pesten" find "gepest" too
    both = {notes["pesten"].pk, notes["gepest"].pk}
    assert pks(search_notes(region.clb_medewerker_a, "pest")) == both
    assert pks(search_notes(region.clb_medewerker_a, "pesten")) == both


def test_every_term_must_match(region, notes, thema):
    both = note(
        region.dossier_a,
        region.clb_medewerker_a,
        thema,
        "Aan de fietsenstalling wordt er gepest en soms ook gevochten.",
    )
    assert pks(search_notes(region.clb_medewerker_a, "fiets gepest")) == {both.pk}
    assert pks(search_notes(region.clb_medewerker_a, "gepest fiets")) == {both.pk}
    assert search_notes(region.clb_medewerker_a, "fiets zwembad") == []


def test_a_note_that_mentions_the_term_three_times_ranks_first(region, thema):
    author = region.clb_medewerker_a
    once = note(
        region.dossier_a,
        author,
        thema,
        "Het team wil het rekenen anders aanpakken in de tweede graad van de school.",
    )
    thrice = note(
        region.dossier_a,
        author,
        thema,
        "Rekenen blijft moeilijk: het rekenen op papier en het rekenen uit het hoofd.",
        days_ago=200,  # older, and written first: only the rank can put it on top
    )
    found = search_notes(author, "rekenen")
    assert [n.pk for n in found] == [thrice.pk, once.pk]
    assert found[0].rank > found[1].rank


def test_signals_are_ranked_by_relevance_not_by_recent_activity(region, thema, bron):
    """search_signals promises "best first"; its list ordering must not replace the rank.

    _with_list_data() orders by last activity; applied after search() it replaced the rank
    order, so the most recently active signals came first and the 25 kept were the most
    recent, not the best.
    """
    author = region.clb_medewerker_a
    common = {
        "dossier": region.dossier_a,
        "author": author,
        "access": user_flags(author, region.dossier_a),
        "thema": thema,
        "bron": bron,
    }
    thrice = signaal_create(
        title="Rekenen blijft moeilijk",
        text="Het rekenen op papier en het rekenen uit het hoofd gaan achteruit.",
        **common,
    )
    once = signaal_create(
        title="Andere aanpak in de tweede graad",
        text="Het team wil het rekenen anders aanpakken.",
        **common,
    )
    assert once.last_activity_at > thrice.last_activity_at
    found = search_signals(author, "rekenen")
    assert [s.rank for s in found] == sorted((s.rank for s in found), reverse=True)
    assert [s.pk for s in found] == [thrice.pk, once.pk]
    assert pks(search_signals(author, "rekenen", limit=1)) == {thrice.pk}


def test_a_title_with_the_terms_ranks_above_a_passing_mention(region, thema, bron):
    author = region.clb_medewerker_a
    mention = note(
        region.dossier_a,
        author,
        thema,
        "Rekenen, rekenen en nog eens rekenen: de klas oefent het elke dag.",
        days_ago=5,
    )
    titled = note(
        region.dossier_a,
        author,
        thema,
        "De school wil de aanpak in de tweede graad bespreken.",
        label="Rekenklas 4B",
        days_ago=300,
    )
    assert pks(search_notes(author, "rekenklas")) == {titled.pk}
    found = search_notes(author, "reken")
    assert [n.pk for n in found] == [titled.pk, mention.pk]
    assert found[0].rank > 1 > found[1].rank
    common = {
        "dossier": region.dossier_a,
        "author": author,
        "access": user_flags(author, region.dossier_a),
        "thema": thema,
        "bron": bron,
    }
    passing = signaal_create(
        title="Onrust in de klas",
        text="Het gaat om de fiets, de fietsen en nog eens de fietsen van de leerlingen.",
        **common,
    )
    in_title = signaal_create(
        title="Fietsen aan de poort", text="Ouders melden een probleem.", **common
    )
    assert [s.pk for s in search_signals(author, "fiets")] == [in_title.pk, passing.pk]


def bulk_notes(dossier, author, texts):
    """One note a day, the first text today and each next one a day older, made in one insert
    with the search text the service would write (so a few thousand notes stay fast)."""
    clb = author.memberships.get().organisation
    notes = []
    for days_ago, question in enumerate(texts):
        day = timezone.localdate() - datetime.timedelta(days=days_ago)
        row = Consultatie(
            dossier=dossier,
            author=author,
            author_organisation=clb,
            date=day,
            school_year=school_year_of(day),
            asked_by=AskedBy.ZORGCOORDINATOR,
            subject_kind=SubjectKind.KLAS,
            label="3A",
            question=question,
        )
        row.search_text = _search_text(row)
        notes.append(row)
    return Consultatie.objects.bulk_create(notes)


def test_beyond_the_ranked_matches_only_the_most_recent_are_ranked(client, region):
    author = region.clb_medewerker_a
    texts = ["Het lezen gaat trager dan verwacht."] * (RANKED + 10)
    texts[3] = "Het lezen, het lezen thuis en het lezen in de klas: lezen blijft moeilijk."
    texts[-1] = "Lezen, lezen, lezen en nog eens lezen: het lezen zelf."
    notes = bulk_notes(region.dossier_a, author, texts)
    found = search_notes(author, "lezen")
    assert (found.count, found.more) == (RANKED, True)
    # ranked within the most recent: the note with the most mentions among those comes first;
    # the oldest note, with even more, lies beyond them and is not ranked at all
    assert found[0].pk == notes[3].pk
    assert notes[-1].pk not in pks(found)
    assert len(found) == 25

    client.force_login(author)
    response = client.get(SEARCH_URL, {"q": "lezen"})
    assert response.status_code == 200
    assert (response.context["count"], response.context["more"]) == (RANKED, True)
    body = response.content.decode()
    assert f"Meer dan {RANKED} resultaten voor “lezen”" in body
    assert "hieronder de 25 meest relevante van de recentste" in body
    assert f"enkel de {RANKED} recentste van elk gerangschikt" in body


def test_the_page_counts_every_match_and_says_how_many_it_shows(client, region):
    bulk_notes(region.dossier_a, region.clb_medewerker_a, ["Het lezen gaat traag."] * 30)
    found = search_notes(region.clb_medewerker_a, "lezen")
    assert (len(found), found.count, found.more) == (25, 30, False)
    client.force_login(region.clb_medewerker_a)
    body = client.get(SEARCH_URL, {"q": "lezen"}).content.decode()
    assert "30 resultaten voor “lezen”; hieronder de 25 meest relevante." in body
    body = client.get(SEARCH_URL, {"q": "traag"}).content.decode()
    assert "30 resultaten voor “traag”" in body
    body = client.get(SEARCH_URL, {"q": "zwembad"}).content.decode()
    assert "0 resultaten voor “zwembad”" in body


def test_a_rare_word_is_found_in_notes_older_than_the_recent_ones(region):
    """The newest notes are read first; a word that is rare there is looked for in all."""
    author = region.clb_medewerker_a
    texts = ["De klas werkt rond lezen."] * (RECENT + 5)
    texts[-1] = "Een leerling met hoogbegaafdheid verveelt zich in de klas."
    texts[RECENT // 2] = "Het team vraagt of hoogbegaafdheid getest kan worden."
    notes = bulk_notes(region.dossier_a, author, texts)
    found = search_notes(author, "hoogbegaafd")
    assert pks(found) == {notes[-1].pk, notes[RECENT // 2].pk}
    assert (found.count, found.more) == (2, False)
    # every term must match there too
    assert pks(search_notes(author, "hoogbegaafd verveelt")) == {notes[-1].pk}
    # a word in all of them is counted up to the cap, from the recent ones alone
    found = search_notes(author, "klas")
    assert (found.count, found.more) == (RANKED, True)


def test_a_word_common_in_the_newest_notes_and_in_old_ones_is_ranked_the_same_way(region):
    """The newest notes look promising but hold fewer than the cap: all notes are searched,
    and the most recent matches are still the ones ranked."""
    author = region.clb_medewerker_a
    texts = ["De klas oefent de motivatie."] * 300 + ["De klas werkt rond lezen."] * RECENT
    texts += ["Een vraag over motivatie."] * 300
    texts[RECENT + 300 + 50] = "Motivatie, motivatie en nog eens motivatie: de motivatie zakt."
    texts[-1] = "Motivatie, motivatie, motivatie, motivatie en motivatie."
    notes = bulk_notes(region.dossier_a, author, texts)
    found = search_notes(author, "motivatie")
    assert (found.count, found.more) == (RANKED, True)
    assert found[0].pk == notes[RECENT + 300 + 50].pk  # among the 500 most recent matches
    assert notes[-1].pk not in pks(found)  # the oldest match, beyond them


# --- participles and themes (issue 13) -------------------------------------------------------


@pytest.fixture
def pesten():
    """The theme Pesten, as the migrations seed it."""
    return Thema.objects.get_or_create(name="Pesten", defaults={"position": 10})[0]


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("pest", "Hij wordt al maanden weggepest uit de groep."),
        ("pesten", "Ze werd vorig jaar op de bus uitgepest."),
        ("fiets", "Twee leerlingen hebben over de speelplaats gefietst."),
        ("fietsen", "De klas is samen naar het zwembad gefietst."),
        ("opvolgen", "De afspraken werden goed opgevolgd door het team."),
        ("inzet", "Er werd extra leersteun ingezet in de klas."),
    ],
)
def test_a_term_finds_its_past_participle_also_after_a_particle(region, thema, query, text):
    found = note(region.dossier_a, region.clb_medewerker_a, thema, text)
    unrelated = note(region.dossier_a, region.clb_medewerker_a, thema, "Niets van dat alles.")
    assert pks(search_notes(region.clb_medewerker_a, query)) == {found.pk}
    assert unrelated.pk not in pks(search_notes(region.clb_medewerker_a, query))


def test_a_word_that_starts_with_ge_finds_no_shorter_word(region, notes, thema):
    """ "gezin" is no participle of "zin": only a term without "ge" looks for the "ge" form."""
    gezin = note(region.dossier_a, region.clb_medewerker_a, thema, "Het gezin verhuist.")
    zin = note(region.dossier_a, region.clb_medewerker_a, thema, "Die zin klopt niet.")
    assert pks(search_notes(region.clb_medewerker_a, "gezin")) == {gezin.pk}
    # the other way round it does: that is the price of finding "gepest" for "pest"
    assert pks(search_notes(region.clb_medewerker_a, "zin")) == {gezin.pk, zin.pk}


def test_the_page_marks_the_participles_it_found(client, region, notes, thema):
    weggepest = note(
        region.dossier_a, region.clb_medewerker_a, thema, "Hij werd weggepest, zegt de klas."
    )
    client.force_login(region.clb_medewerker_a)
    response = client.get(SEARCH_URL, {"q": "pesten"})
    urls = {r.url for r in response.context["results"]}
    assert urls == {detail_url(n) for n in (notes["pesten"], notes["gepest"], weggepest)}
    marked = set(re.findall(r"<mark>(.*?)</mark>", response.content.decode()))
    assert marked == {"pesten", "gepest", "weggepest"}


def test_a_theme_name_finds_the_notes_filed_under_it(region, notes, pesten, thema):
    author = region.clb_medewerker_a
    filed = consultatie_create(
        dossier=region.dossier_a,
        author=author,
        access=user_flags(author, region.dossier_a),
        themas=[pesten, thema],
        date=timezone.localdate() - datetime.timedelta(days=3),
        asked_by=AskedBy.ZORGCOORDINATOR,
        subject_kind=SubjectKind.KLAS,
        label="6A",
        question="De klas heeft het moeilijk met de nieuwe leerling in de refter.",
    )
    # the theme Pesten finds the note, that never says so; the text finds the others
    text = {notes["pesten"].pk, notes["gepest"].pk}
    assert pks(search_notes(author, "pesten")) == text | {filed.pk}
    assert pks(search_notes(author, "pest")) == text | {filed.pk}
    # every term must match, in the text or in a theme: "refter" is in the text of two
    assert pks(search_notes(author, "pesten refter")) == {notes["pesten"].pk, filed.pk}
    assert search_notes(author, "pesten zwembad") == []
    # a stop word changes nothing
    assert pks(search_notes(author, "de pesten")) == text | {filed.pk}
    # the word itself ranks first; a participle or the theme alone ranks after it
    found = search_notes(author, "pesten")
    assert found[0].pk == notes["pesten"].pk
    assert found[0].rank > max(hit.rank for hit in found[1:])


def test_a_theme_name_finds_nothing_in_a_dossier_one_may_not_read(
    region, notes, note_b, pesten, bron
):
    other = region.clb_medewerker_other
    filed_b = consultatie_create(
        dossier=region.dossier_b,
        author=other,
        access=user_flags(other, region.dossier_b),
        themas=[pesten],
        date=timezone.localdate() - datetime.timedelta(days=3),
        asked_by=AskedBy.DIRECTIE,
        subject_kind=SubjectKind.KLAS,
        label="2B",
        question="Een vraag over de speelplaats.",
    )
    signaal_a = signaal_create(
        dossier=region.dossier_a,
        author=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, region.dossier_a),
        title="Onrust in de refter",
        text="Meerdere klassen melden onrust.",
        thema=pesten,
        bron=bron,
    )
    # A's medewerker: the theme finds nothing of B's
    assert filed_b.pk not in pks(search_notes(region.clb_medewerker_a, "pesten"))
    # B's medewerker and directie: B's note, nothing of A's (the stale grant on A gives nothing)
    assert pks(search_notes(other, "pesten")) == {filed_b.pk}
    assert pks(search_notes(region.directie_b, "pesten")) == {filed_b.pk}
    assert search_signals(other, "pesten") == []
    # the signal is found through its theme by who reads A's signals, by nobody else
    assert pks(search_signals(region.clb_medewerker_a, "pesten")) == {signaal_a.pk}
    assert pks(search_signals(region.pbd_begeleider_a, "pesten")) == {signaal_a.pk}
    for person in (region.lsc_anker_a, region.leerkracht_a, region.platform_admin):
        assert search_notes(person, "pesten") == []
        assert search_signals(person, "pesten") == []
    # the PBD reads signals, never notes, whatever their themes
    assert search_notes(region.pbd_begeleider_a, "pesten") == []


def test_the_page_marks_the_theme_that_a_term_names(client, region, pesten, bron):
    signaal_create(
        dossier=region.dossier_a,
        author=region.clb_medewerker_a,
        access=user_flags(region.clb_medewerker_a, region.dossier_a),
        title="Onrust in de refter",
        text="Meerdere klassen melden onrust.",
        thema=pesten,
        bron=bron,
    )
    client.force_login(region.clb_medewerker_a)
    body = client.get(SEARCH_URL, {"q": "pest"}).content.decode()
    assert "<mark>Pesten</mark>" in body


def test_without_postgresql_the_fallback_finds_themes_and_participles(
    monkeypatch, region, notes, pesten, thema
):
    """The SQLite demo has no tsvector: the text must contain each term, or a theme's name."""
    author = region.clb_medewerker_a
    filed = consultatie_create(
        dossier=region.dossier_a,
        author=author,
        access=user_flags(author, region.dossier_a),
        themas=[pesten],
        date=timezone.localdate() - datetime.timedelta(days=3),
        asked_by=AskedBy.ZORGCOORDINATOR,
        subject_kind=SubjectKind.KLAS,
        label="6A",
        question="Een vraag over de refter.",
    )
    monkeypatch.setattr("samenwerking.search.uses_postgres_search", lambda: False)
    assert pks(search_notes(author, "pest")) == {
        notes["pesten"].pk,
        notes["gepest"].pk,
        filed.pk,
    }
    assert pks(search_notes(author, "pesten refter")) == {notes["pesten"].pk, filed.pk}
    assert search_notes(region.clb_medewerker_other, "pest") == []


# --- nobody finds what they may not read -----------------------------------------------------


def test_results_stay_within_the_dossiers_a_person_may_read(region, notes, note_b, signaal):
    # CLB Leie serves school A only
    assert note_b.pk not in pks(search_notes(region.clb_medewerker_a, "fiets"))
    # CLB Schelde serves school B; its stale grant on A (no partnership) gives nothing there
    assert pks(search_notes(region.clb_medewerker_other, "fiets")) == {note_b.pk}
    assert search_signals(region.clb_medewerker_other, "fiets") == []
    # the directie of B sees B's notes, not A's; the directie of A the reverse
    assert pks(search_notes(region.directie_b, "fiets")) == {note_b.pk}
    assert pks(search_notes(region.directie_a, "fiets")) == {
        notes["fietsen"].pk,
        notes["stalling"].pk,
    }


@pytest.mark.parametrize("persona", ["lsc_anker_a", "leerkracht_a", "platform_admin"])
def test_people_who_may_not_read_notes_or_signals_find_nothing(
    client, region, notes, signaal, persona
):
    person = region.persona(persona)
    assert search_notes(person, "fiets") == []
    assert search_signals(person, "fiets") == []
    client.force_login(person)
    response = client.get(SEARCH_URL, {"q": "fiets"})
    assert response.status_code == 200
    assert response.context["results"] == []
    assert "<mark>" not in response.content.decode()


def test_the_lsc_finds_nothing_even_with_a_grant_but_the_pbd_finds_signals(region, notes, signaal):
    # the LSC ankerpersoon holds a contribute grant on A, the PBD a read grant
    assert region.lsc_anker_a.dossieruserobjectpermission_set.filter(
        content_object=region.dossier_a
    ).exists()
    assert search_notes(region.lsc_anker_a, "fiets") == []
    assert search_signals(region.lsc_anker_a, "fiets") == []
    assert search_notes(region.pbd_begeleider_a, "fiets") == []
    assert pks(search_signals(region.pbd_begeleider_a, "fiets")) == {signaal.pk}


# --- the Zoeken page -------------------------------------------------------------------------


def test_the_search_page_shows_notes_and_signals_with_highlights(client, region, notes, signaal):
    client.force_login(region.clb_medewerker_a)
    response = client.get(SEARCH_URL, {"q": "fiets"})
    assert response.status_code == 200
    results = response.context["results"]
    assert {(r.kind, r.url) for r in results} == {
        ("consultatie", detail_url(notes["fietsen"])),
        ("consultatie", detail_url(notes["stalling"])),
        ("signaal", reverse("signalen:detail", args=[region.dossier_a.pk, signaal.pk])),
    }
    body = response.content.decode()
    assert body.count('class="signal-card"') == 3
    for url in (r.url for r in results):
        assert f'href="{url}"' in body
    assert "<mark>fietsen</mark>" in body
    assert "<mark>fietsenstalling</mark>" in body
    assert "<mark>fiets</mark>" in body  # "een gestolen fiets." in the signal
    # only words that start with the term are marked
    marked = set(re.findall(r"<mark>(.*?)</mark>", body))
    assert marked == {"fietsen", "fietsenstalling", "fiets"}


def test_the_search_page_escapes_what_people_wrote(client, region, thema):
    written = note(
        region.dossier_a,
        region.clb_medewerker_a,
        thema,
        'Fietsen <script>alert("x")</script> en <b>vet</b> & co.',
        label="<i>3A</i>",
    )
    client.force_login(region.clb_medewerker_a)
    response = client.get(SEARCH_URL, {"q": "fietsen"})
    assert response.status_code == 200
    assert [r.url for r in response.context["results"]] == [detail_url(written)]
    body = response.content.decode()
    assert "<script>alert" not in body
    assert "<b>vet</b>" not in body
    assert "<i>3A</i>" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "&lt;b&gt;vet&lt;/b&gt; &amp; co." in body
    assert "&lt;i&gt;3A&lt;/i&gt;" in body
    assert "<mark>Fietsen</mark>" in body


def test_the_highlight_does_not_break_html_entities(client, region, thema):
    """A term that starts an entity name ("quot", "am", "lt", "gt") must not be marked inside it.

    When the <mark> pattern ran over the escaped text, "&quot;" became "&<mark>quot</mark>;"
    and the reader saw a literal &quot; instead of a quotation mark.
    """
    written = note(
        region.dossier_a,
        region.clb_medewerker_a,
        thema,
        'De school noemt het "quotum" voor leersteun te laag.',
    )
    client.force_login(region.clb_medewerker_a)
    response = client.get(SEARCH_URL, {"q": "quot"})
    assert [r.url for r in response.context["results"]] == [detail_url(written)]
    excerpt = str(response.context["results"][0].excerpt)
    assert "&quot;<mark>quotum</mark>&quot;" in excerpt
    assert "&<mark>" not in excerpt


@pytest.mark.parametrize(
    "query",
    [
        "!!!",
        "?",
        "&|!():*'\"\\",
        "fiets:* | pest",
        "fiets & ! pest",
        "de het een",  # only stop words: an empty tsquery
        "__ ²",
        "a",
        "x" * 200,
        "fiets " * 34,
        " ".join(f"woord{n}" for n in range(30)),
        "fiets\x00",
    ],
)
def test_odd_queries_give_400_or_nothing_never_500(client, region, notes, query):
    client.force_login(region.clb_medewerker_a)
    response = client.get(SEARCH_URL, {"q": query})
    assert response.status_code in (200, 400)
    if response.context is None:  # refused before the search page, with its reason
        assert "\x00" in query
        assert "NUL-teken" in response.content.decode()  # in Dutch
    else:
        # no note holds both "fiets" and "pest", or any of the other words
        assert response.context["results"] == []


def test_a_query_of_punctuation_only_is_empty_and_a_long_query_is_refused(client, region, notes):
    client.force_login(region.clb_medewerker_a)
    response = client.get(SEARCH_URL, {"q": "!?;-,."})
    assert response.status_code == 200
    assert response.context["results"] == []
    assert search_notes(region.clb_medewerker_a, "!?;-,.") == []
    response = client.get(SEARCH_URL, {"q": "fiets " * 34})
    assert response.status_code == 400
    assert response.context["results"] == []


def test_a_query_with_operators_is_taken_as_words(client, region, notes):
    # "|" and "!" are not passed to to_tsquery: "fiets:* | pest" means fiets AND pest
    assert search_notes(region.clb_medewerker_a, "fiets:* | pest") == []
    assert pks(search_notes(region.clb_medewerker_a, "fiets ! poort")) == {notes["stalling"].pk}


def test_an_empty_query_shows_the_form_without_results(client, region, notes):
    client.force_login(region.clb_medewerker_a)
    response = client.get(SEARCH_URL)
    assert response.status_code == 200
    assert response.context["results"] == []
    response = client.get(SEARCH_URL, {"q": "   "})
    assert response.status_code == 200
    assert response.context["results"] == []


# --- the index -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "index"),
    [
        ("consultatie_consultatie", "consultatie_consultatie_search_gin"),
        ("signalen_signaal", "signalen_signaal_search_gin"),
    ],
)
def test_the_search_vector_has_a_gin_index_that_the_search_uses(region, notes, table, index):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname = %s",
            [table, index],
        )
        rows = cursor.fetchall()
        assert len(rows) == 1
        assert "USING gin (search_vector)" in rows[0][0]
        cursor.execute(
            "SELECT is_generated, generation_expression FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = 'search_vector'",
            [table],
        )
        generated, expression = cursor.fetchone()
        assert generated == "ALWAYS"
        assert "to_tsvector('dutch'" in expression
        # With a handful of rows a sequential scan is cheaper; forbid it to see the index used.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT id FROM {table} "  # noqa: S608 - fixed table names
            "WHERE search_vector @@ to_tsquery('dutch', %s)",
            ["fiet:*"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Bitmap Index Scan on {index}" in plan


def test_the_search_query_filters_on_the_indexed_vector(region, notes):
    """The SQL search_notes runs matches the generated column, not a fresh to_tsvector()."""
    with CaptureQueriesContext(connection) as queries:
        search_notes(region.clb_medewerker_a, "fiets")
    sql = next(q["sql"] for q in queries if "consultatie_consultatie" in q["sql"])
    assert '"consultatie_consultatie"."search_vector" @@ to_tsquery' in sql
    assert "to_tsvector" not in sql


def test_signal_supplements_are_searched_too(region, signaal):
    from signalen.services import aanvulling_add
    from signalen.workflow import Kind

    aanvulling_add(
        signaal=signaal,
        author=region.zorg_a,
        access=user_flags(region.zorg_a, signaal.dossier),
        kind=Kind.DUIDING,
        text="Het gaat vooral om de fietsenrekken aan de sporthal.",
    )
    assert "fietsenrekken" in Signaal.objects.get(pk=signaal.pk).search_text
    assert pks(search_signals(region.zorg_a, "fietsenrek")) == {signaal.pk}
