"""How fast are the search and the theme overview in a large region? (target: 100 ms a request)

Not a test: a standalone timing. It uses the test settings against its own database
(DATABASE_URL, default postgres://postgres@127.0.0.1:5432/samenwerking_bench_search), creates
the database and its schema when needed, and fills one region once:

* 3,000 schools (each with its dossier), served by 38 CLBs of some 80 schools each;
* the bench CLB serves 80 of them, and its medewerker holds a contribute grant on those 80;
* 300,000 consultation notes over all schools and 5 school years, 1-3 themes each, with Dutch
  text of varied length made from word lists (search_text set as the service sets it);
* 30,000 signals (10 a school), so that search_signals has rows to look through.

Later runs find the data again and only time. As the bench CLB medewerker it then times, ~20
runs each after a warm-up: search_notes + search_signals and the Zoeken page end to end for a
common word, a rare word, a prefix and two words; the theme overview over that person's
schools and for one dossier (the selector and the page). It prints median and p95 and whether
each meets the target; --explain prints EXPLAIN (ANALYZE, BUFFERS) of the slowest query of
every timing that misses it.

    .venv/bin/python bench/bench_search.py [--runs 20] [--explain] [--rebuild]
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/samenwerking_bench_search"
TARGET_MS = 100.0
SCHOOLS = 3_000
SCHOOLS_PER_CLB = 80
NOTES = 300_000
SIGNALS_PER_SCHOOL = 10
SCHOOL_YEARS = 5
BATCH = 5_000
# The schools of the bench get instellingsnummers 700000-702999; the bench CLB is found by name.
FIRST_INSTELLINGSNUMMER = 700_000
BENCH_CLB = "CLB Bench Zoeken"
BENCH_USER = "bench-zoeken@example.be"
LONG_AGO = datetime.date(2015, 9, 1)

QUERIES = {
    "common word": "leerling",
    "rare word": "hoogbegaafdheid",
    "prefix": "fiets",
    "two words": "pesten speelplaats",
    # only in a theme's name ("Afwezigheden en spijbelen"), never in the notes' text
    "theme name": "spijbelen",
    # a short stem: words that start with it, the theme "Pesten", and "gepest" inside words
    "short stem": "pest",
}

# --- Dutch text from word lists --------------------------------------------------------------

SUBJECTS = [
    "De leerling",
    "Een leerling van {klas}",
    "De leerlingen van {klas}",
    "Een kleine groep leerlingen",
    "De klasgroep",
    "De klastitularis",
    "De leerkracht",
    "De zorgleerkracht",
    "De zorgcoördinator",
    "De ouders",
    "Het schoolteam",
    "De directie",
    "Een nieuwe leerling",
    "De leerlingenbegeleider",
]
VERBS = [
    "heeft het moeilijk met",
    "vraagt hulp bij",
    "maakt zich zorgen over",
    "spreekt regelmatig over",
    "worstelt met",
    "meldt problemen met",
    "toont vooruitgang in",
    "vermijdt",
    "reageert sterk op",
    "vraagt meer duidelijkheid over",
    "wil beter inzetten op",
    "merkt een verandering in",
]
TOPICS = [
    "rekenen",
    "begrijpend lezen",
    "spelling",
    "het huiswerk",
    "de toetsen",
    "de overgang naar het secundair",
    "het pesten op de speelplaats",
    "pestgedrag in de chatgroep van de klas",
    "de concentratie in de klas",
    "faalangst voor de examens",
    "de thuistaal",
    "sociale media",
    "plannen en organiseren",
    "vriendschappen in de klas",
    "de afwezigheden op maandag",
    "het welbevinden",
    "de studiekeuze",
    "de time-outruimte",
    "de middagpauze",
    "de busrit naar school",
    "het samenwerken in groep",
    "de motivatie",
    "slaaptekort",
    "de zwemles",
    "conflicten met leeftijdsgenoten",
    "de communicatie met thuis",
    "het schoolreglement",
]
WHEN = [
    "sinds de herfstvakantie",
    "vooral tijdens de les wiskunde",
    "na het oudercontact",
    "in de weken voor de examens",
    "op maandagochtend",
    "tijdens de middagpauze",
    "sinds het begin van het schooljaar",
    "na de kerstvakantie",
    "bij toetsen",
    "in de turnles",
    "op de speelplaats",
    "",
    "",
    "",
]
MEASURES = [
    "een gesprek met de ouders te plannen",
    "een leerlingbespreking te organiseren op het volgende MDO",
    "een observatie in de klas te doen",
    "extra instructie in kleine groep te voorzien",
    "duidelijke afspraken te maken over het gebruik van de gsm",
    "met de klasgroep te werken rond een positief klasklimaat",
    "de leerling een vaste vertrouwenspersoon te geven",
    "het huiswerk beter te spreiden over de week",
    "de aanpak op de speelplaats met het hele team te bespreken",
    "de leersteun in de klas beter af te stemmen",
    "de ouders te wijzen op het aanbod van het CAW",
    "redelijke aanpassingen bij toetsen te voorzien",
    "een no-blame-aanpak te proberen",
    "de afwezigheden nauwer op te volgen",
]
ADVICE_OPENERS = [
    "We adviseren om",
    "Het CLB raadt aan om",
    "Het lijkt zinvol om",
    "Als eerste stap stellen we voor om",
    "We spreken af om",
]
ANALYSIS = [
    "Thuis is de situatie de voorbije maanden veranderd.",
    "De leerkrachten zien vooral een probleem in de klasdynamiek.",
    "Het gaat om een patroon dat we ook vorig schooljaar zagen.",
    "De leerling geeft zelf aan zich niet goed te voelen in de groep.",
    "Er is nood aan een gedeeld beeld tussen school en CLB.",
    "De resultaten gaan achteruit, maar de inzet is groot.",
    "Het team herkent dit bij meer leerlingen van de tweede graad.",
    "Volgens de ouders speelt het vooral buiten de schooluren.",
    "De leerling reageert goed op een duidelijke structuur.",
    "We zien een duidelijke piek in de weken voor de examens.",
]
NEXT_STEPS = [
    "De zorgcoördinator neemt contact op met de ouders.",
    "We bekijken de situatie opnieuw na de volgende vakantie.",
    "De CLB-medewerker bezorgt materiaal rond faalangst.",
    "De klastitularis houdt een logboek bij.",
    "Op het volgende structureel overleg komt dit terug.",
    "De leerkracht probeert de aanpak een maand uit.",
]
# Less frequent subjects: about one sentence in a hundred (some 5 % of the notes).
BICYCLE_TOPICS = ["de fietsen aan de schoolpoort", "de fietsenstalling", "het fietsexamen"]
BICYCLE_MEASURES = ["het toezicht aan de fietsenstalling te versterken"]
# Rare words: in some 0.3 % of the notes.
RARE = [
    "hoogbegaafdheid",
    "dyscalculiescreening",
    "schoolweigering",
    "rouwverwerking",
    "mantelzorg",
]
KLASSEN = [f"{year}{group}" for year in range(1, 7) for group in "ABCD"]


def klas(rng: random.Random) -> str:
    return rng.choice(KLASSEN)


def sentence(rng: random.Random) -> str:
    when = rng.choice(WHEN)
    topic = rng.choice(BICYCLE_TOPICS if rng.random() < 0.01 else TOPICS)
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {topic}"
    if when:
        text += f" {when}"
    return text.format(klas=klas(rng)) + "."


def advice_sentence(rng: random.Random) -> str:
    measure = rng.choice(BICYCLE_MEASURES if rng.random() < 0.01 else MEASURES)
    return f"{rng.choice(ADVICE_OPENERS)} {measure}."


def note_texts(rng: random.Random) -> dict[str, str]:
    """The text fields of one note: a question, often an analysis, advice and next steps."""
    question = " ".join(sentence(rng) for _ in range(rng.randint(1, 4)))
    if rng.random() < 0.003:
        question += f" Er is ook een vraag rond {rng.choice(RARE)}."
    analysis = " ".join(
        rng.choice(ANALYSIS) if rng.random() < 0.5 else sentence(rng)
        for _ in range(rng.choice((0, 0, 1, 2, 3, 5)))
    )
    advice = " ".join(advice_sentence(rng) for _ in range(rng.choice((0, 1, 1, 2, 3, 4))))
    next_steps = " ".join(rng.choice(NEXT_STEPS) for _ in range(rng.choice((0, 1, 1, 2, 3))))
    return {
        "question": question[:4000],
        "analysis": analysis[:4000],
        "advice": advice[:4000],
        "next_steps": next_steps[:4000],
    }


def label_of(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return klas(rng)
    initials = "".join(f"{rng.choice('ABDEFGHIJKLMNOPRSTVWZ')}." for _ in range(2))
    return f"{initials} {klas(rng)}"


def search_text_of(fields: dict[str, str]) -> str:
    """As consultatie.services._search_text: the text fields that are not empty, one a line."""
    names = ("label", "other_participants", "question", "analysis", "advice", "next_steps")
    return "\n".join(fields[name] for name in names if fields.get(name))


# --- Django ----------------------------------------------------------------------------------


def setup_django() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # the test client's host
    os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
    os.environ["DJANGO_SETTINGS_MODULE"] = "samenwerking.settings.test"
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()


def ensure_database(url: str) -> None:
    """Create the (PostgreSQL) database named in ``url`` when it does not exist yet."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit("This benchmark needs PostgreSQL (the search uses its tsvector).")
    if "bench" not in config["NAME"]:
        raise SystemExit(f"Refusing to fill {config['NAME']!r}: use a database named *bench*.")
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            print(f"Creating database {config['NAME']}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def migrate() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        print("Migrating the bench database ...")
        call_command("migrate", verbosity=0, interactive=False)


# --- the fill --------------------------------------------------------------------------------


def school_years() -> list[str]:
    from django.utils import timezone

    from samenwerking.schoolyear import school_year_of

    current = int(school_year_of(timezone.localdate())[:4])
    return [f"{year}-{year + 1}" for year in range(current - SCHOOL_YEARS + 1, current + 1)]


def random_date_in(rng: random.Random, school_year: str) -> datetime.date:
    from django.utils import timezone

    start = datetime.date(int(school_year[:4]), 9, 1)
    end = min(datetime.date(int(school_year[:4]) + 1, 6, 30), timezone.localdate())
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def fill_region():
    """Schools, CLBs, partnerships and the bench CLB medewerker: made once, found later."""
    from allauth.mfa.models import Authenticator
    from django.db import transaction
    from guardian.shortcuts import assign_perm

    from accounts.models import Membership, Organisation, Partnership, User
    from accounts.roles import OrganisationKind, Role
    from dossier.core.models import Dossier

    clb = Organisation.objects.filter(name=BENCH_CLB, kind=OrganisationKind.CLB).first()
    if clb is not None:
        return User.objects.get(email=BENCH_USER)
    print(f"Creating {SCHOOLS} schools with their dossiers, CLBs and partnerships ...")
    started = time.perf_counter()
    rng = random.Random(3000)
    with transaction.atomic():
        schools = Organisation.objects.bulk_create(
            [
                Organisation(
                    kind=OrganisationKind.SCHOOL,
                    name=f"{rng.choice(('Basisschool', 'Sint-', 'GO!', 'Vrije Basisschool'))} "
                    f"{rng.choice(('De Linde', 'De Regenboog', 'Klavertje', 'De Brug'))} {n}",
                    instellingsnummer=f"{FIRST_INSTELLINGSNUMMER + n:06d}",
                    postcode=f"{8500 + n % 400}",
                    city="Kortrijk",
                )
                for n in range(SCHOOLS)
            ],
            batch_size=BATCH,
        )
        Dossier.objects.bulk_create([Dossier(school=school) for school in schools])
        clb_count = math.ceil(SCHOOLS / SCHOOLS_PER_CLB)
        clbs = Organisation.objects.bulk_create(
            [
                Organisation(kind=OrganisationKind.CLB, name=BENCH_CLB if n == 0 else f"CLB {n}")
                for n in range(clb_count)
            ]
        )
        Partnership.objects.bulk_create(
            [
                Partnership(
                    school=school,
                    partner=clbs[index // SCHOOLS_PER_CLB],
                    partner_kind=OrganisationKind.CLB,
                    start_date=LONG_AGO,
                )
                for index, school in enumerate(schools)
            ],
            batch_size=BATCH,
        )
        # one medewerker per CLB writes its notes; the bench CLB's is the one we time
        users = []
        for index, organisation in enumerate(clbs):
            user = User.objects.create_user(
                email=BENCH_USER if index == 0 else f"bench-clb{index}@example.be",
                first_name="Pieter" if index == 0 else "Medewerker",
                last_name="De Smet" if index == 0 else str(index),
                notification_frequency=User.NotificationFrequency.NONE,
            )
            Membership.objects.create(
                user=user,
                organisation=organisation,
                role=Role.CLB_MEDEWERKER,
                start_date=LONG_AGO,
                status=Membership.Status.CONFIRMED,
            )
            # partner staff must use MFA; without an authenticator every page redirects
            Authenticator.objects.create(
                user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
            )
            users.append(user)
        bench_user = users[0]
        served = Dossier.objects.filter(school__partnerships__partner=clbs[0])
        for codename in ("view_dossier", "contribute_dossier"):
            assign_perm(f"dossier.{codename}", bench_user, served)
    print(f"  done in {time.perf_counter() - started:.1f} s")
    return bench_user


def authors_by_dossier() -> dict[int, tuple[int, int]]:
    """Each dossier's (author id, CLB id): the medewerker of the CLB that serves the school."""
    from accounts.models import Membership
    from accounts.roles import Role
    from dossier.core.models import Dossier

    writer = {
        m.organisation_id: m.user_id
        for m in Membership.objects.filter(
            role=Role.CLB_MEDEWERKER, user__email__startswith="bench"
        )
    }
    result = {}
    for dossier_id, clb_id in Dossier.objects.filter(
        school__instellingsnummer__gte=f"{FIRST_INSTELLINGSNUMMER:06d}"
    ).values_list("pk", "school__partnerships__partner_id"):
        result[dossier_id] = (writer[clb_id], clb_id)
    return result


def truncate(*tables: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def fill_notes(*, rebuild: bool) -> float | None:
    """300,000 notes and their themes; returns the seconds it took, or None when found."""
    from django.db import connection, transaction

    from consultatie.models import AskedBy, Consultatie, Status, SubjectKind
    from dossier.core.models import Thema

    if not rebuild and Consultatie.objects.count() == NOTES:
        return None
    print(f"Creating {NOTES:,} consultation notes in batches of {BATCH:,} ...")
    truncate("consultatie_consultatie")
    started = time.perf_counter()
    rng = random.Random(300_000)
    authors = authors_by_dossier()
    dossier_ids = sorted(authors)
    # some schools ask much more than others: weights from 0.3 to 1.7, scaled to NOTES in all
    weights = [rng.uniform(0.3, 1.7) for _ in dossier_ids]
    scale = NOTES / sum(weights)
    counts = [int(w * scale) for w in weights]
    for index in range(NOTES - sum(counts)):
        counts[index % len(counts)] += 1
    years = school_years()
    themes = list(Thema.objects.filter(is_active=True).values_list("pk", flat=True))
    asked_by, subject_kinds, statuses = AskedBy.values, SubjectKind.values, Status.values
    through = Consultatie.themas.through
    notes, links, made = [], [], 0

    def flush():
        nonlocal notes, links, made
        with transaction.atomic():
            saved = Consultatie.objects.bulk_create(notes)
            rows = [
                through(
                    consultatie_id=note.pk,
                    thema_id=thema,
                    dossier_id=note.dossier_id,
                    school_year=note.school_year,
                )
                for note, chosen in zip(saved, links, strict=True)
                for thema in chosen
            ]
            through.objects.bulk_create(rows, batch_size=BATCH)
        made += len(notes)
        notes, links = [], []
        if made % 50_000 == 0:
            print(f"  {made:,} notes after {time.perf_counter() - started:.0f} s")

    for dossier_id, count in zip(dossier_ids, counts, strict=True):
        author_id, clb_id = authors[dossier_id]
        for number in range(count):
            school_year = years[number % len(years)]
            date = random_date_in(rng, school_year)
            fields = {"label": label_of(rng), "other_participants": "", **note_texts(rng)}
            notes.append(
                Consultatie(
                    dossier_id=dossier_id,
                    date=date,
                    school_year=school_year,
                    asked_by=rng.choice(asked_by),
                    subject_kind=rng.choice(subject_kinds),
                    status=rng.choice(statuses),
                    author_id=author_id,
                    author_organisation_id=clb_id,
                    search_text=search_text_of(fields),
                    **fields,
                )
            )
            links.append(rng.sample(themes, rng.choice((1, 1, 2, 2, 3))))
            if len(notes) == BATCH:
                flush()
    if notes:
        flush()
    with connection.cursor() as cursor:
        # as autovacuum would have done by now: statistics and the visibility map
        cursor.execute("VACUUM (ANALYZE) consultatie_consultatie")
        cursor.execute(f"VACUUM (ANALYZE) {through._meta.db_table}")
    return time.perf_counter() - started


def fill_signals(*, rebuild: bool) -> float | None:
    """Ten signals a school (two a school year), with their search_text; None when found."""
    from django.db import connection
    from django.utils import timezone

    from dossier.core.models import Thema
    from signalen.models import Bron, Signaal
    from signalen.workflow import Status

    wanted = SCHOOLS * SIGNALS_PER_SCHOOL
    if not rebuild and Signaal.objects.count() == wanted:
        return None
    print(f"Creating {wanted:,} signals ...")
    truncate("signalen_signaal")
    started = time.perf_counter()
    rng = random.Random(30_000)
    themes = list(Thema.objects.filter(is_active=True).values_list("pk", flat=True))
    sources = list(Bron.objects.values_list("pk", flat=True))
    years = school_years()
    now = timezone.now()
    rows = []
    for dossier_id, (author_id, clb_id) in sorted(authors_by_dossier().items()):
        for number in range(SIGNALS_PER_SCHOOL):
            title = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(TOPICS)}"
            title = title.format(klas=klas(rng))[:160]
            text = " ".join(sentence(rng) for _ in range(rng.randint(1, 5)))[:2000]
            rows.append(
                Signaal(
                    dossier_id=dossier_id,
                    title=title,
                    text=text,
                    thema_id=rng.choice(themes),
                    bron_id=rng.choice(sources),
                    school_year=years[number % len(years)],
                    status=rng.choice(Status.values),
                    author_id=author_id,
                    author_organisation_id=clb_id,
                    last_activity_at=now - datetime.timedelta(minutes=rng.randint(0, 900_000)),
                    search_text=f"{title}\n{text}",
                )
            )
    Signaal.objects.bulk_create(rows, batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) signalen_signaal")
    return time.perf_counter() - started


# --- timing ----------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


class Timing:
    def __init__(self, name: str):
        self.name = name
        self.ms: list[float] = []
        self.queries: list[dict] = []
        self.query_count = 0
        self.note = ""

    @property
    def median(self) -> float:
        return statistics.median(self.ms)

    @property
    def p95(self) -> float:
        return p95(self.ms)

    @property
    def meets(self) -> bool:
        return self.p95 <= TARGET_MS


def time_it(name: str, call, runs: int) -> Timing:
    """Two untimed warm-up calls, then ``runs`` timed ones; the queries of the last are kept."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timing = Timing(name)
    for _ in range(2):
        call()
    for run in range(runs):
        if run == runs - 1:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                result = call()
                timing.ms.append((time.perf_counter() - started) * 1000)
            timing.queries = list(captured.captured_queries)
            timing.query_count = len(captured)
        else:
            started = time.perf_counter()
            result = call()
            timing.ms.append((time.perf_counter() - started) * 1000)
    timing.note = describe(result)
    return timing


def describe(result) -> str:
    if isinstance(result, tuple):
        return ", ".join(describe(part) for part in result)
    if isinstance(result, list):
        return f"{len(result)} rows"
    if hasattr(result, "status_code"):
        return f"HTTP {result.status_code}, {len(result.content) // 1024} KiB"
    if hasattr(result, "rows"):
        return f"{len(result.rows)} themes x {len(result.years)} years"
    return ""


def explain(timing: Timing) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest query of the timing's last run."""
    from django.db import connection

    slowest = sorted(timing.queries, key=lambda q: float(q["time"]), reverse=True)[:1]
    for query in slowest:
        sql = query["sql"]
        print(f"\n--- {timing.name}: slowest query ({float(query['time']) * 1000:.0f} ms)")
        print(sql[:1500] + (" ..." if len(sql) > 1500 else ""))
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            for (line,) in cursor.fetchall():
                print(f"    {line}")


def suggested_shapes(user):
    """The same reads in the shape suggested in bench/README.md, to time them side by side.

    The readable dossiers are fetched first (one small query) and passed as a list of ids, so
    that the planner starts from those dossiers' notes; and search_signals keeps the rank order.
    """
    from consultatie.models import Consultatie
    from consultatie.selectors import _with_list_data as note_list_data
    from consultatie.selectors import theme_overview
    from dossier.core.access import Section, dossiers_for_user
    from samenwerking.search import search
    from signalen.models import Signaal
    from signalen.selectors import _with_list_data as signal_list_data

    def readable_dossiers(user):
        return dossiers_for_user(user, section=Section.CONSULTATIES)

    def note_ids():
        return list(readable_dossiers(user).values_list("pk", flat=True))

    def signal_ids():
        readable = dossiers_for_user(user, section=Section.SIGNALEN)
        return list(readable.values_list("pk", flat=True))

    def notes(query):
        found = search(Consultatie.objects.filter(dossier_id__in=note_ids()), query)
        return list(note_list_data(found)[:25])

    def signals(query):
        found = search(Signaal.objects.filter(dossier_id__in=signal_ids()), query)
        return list(signal_list_data(found).order_by("-rank", "-pk")[:25])

    def overview():
        return theme_overview(note_ids())

    return notes, signals, overview


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs each (default 20)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE what misses")
    parser.add_argument("--rebuild", action="store_true", help="make the notes and signals again")
    args = parser.parse_args()

    setup_django()
    migrate()

    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from consultatie.models import Consultatie
    from consultatie.selectors import search_notes, theme_overview
    from dossier.core.access import Section, dossiers_for_user

    def readable_dossiers(user):
        return dossiers_for_user(user, section=Section.CONSULTATIES)

    from dossier.core.models import Dossier
    from signalen.models import Signaal
    from signalen.selectors import search_signals

    started = time.perf_counter()
    user = fill_region()
    notes_seconds = fill_notes(rebuild=args.rebuild)
    signals_seconds = fill_signals(rebuild=args.rebuild)
    total = time.perf_counter() - started
    if notes_seconds is None and signals_seconds is None:
        print("The bench data was there already: nothing filled.")
    else:
        parts = [
            f"notes {notes_seconds:.0f} s" if notes_seconds is not None else "notes found",
            f"signals {signals_seconds:.0f} s" if signals_seconds is not None else "signals found",
        ]
        print(f"Fill took {total:.0f} s ({', '.join(parts)}).")

    readable = readable_dossiers(user)
    served = list(readable.values_list("pk", flat=True))
    busiest = (
        Dossier.objects.filter(pk__in=served)
        .annotate(n=Count("consultaties"))
        .order_by("-n")
        .first()
    )
    size = {
        "notes": Consultatie.objects.count(),
        "links": Consultatie.themas.through.objects.count(),
        "signals": Signaal.objects.count(),
        "readable notes": Consultatie.objects.filter(dossier__in=served).count(),
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('consultatie_consultatie'))")
        table_size = cursor.fetchone()[0]
    print(
        f"Database {connection.settings_dict['NAME']}: {size['notes']:,} notes "
        f"({table_size} with indexes), {size['links']:,} theme links, {size['signals']:,} "
        f"signals; {user.email} reads {len(served)} dossiers with {size['readable notes']:,} "
        f"notes; busiest dossier #{busiest.pk} with {busiest.n} notes"
    )
    for label, query in QUERIES.items():
        matching = Consultatie.objects.extra(
            where=["search_vector @@ to_tsquery('dutch', %s)"],
            params=[" & ".join(f"{term}:*" for term in query.split())],
        )
        print(
            f"  {label:12} {query!r}: {matching.count():,} notes match in the region, "
            f"{matching.filter(dossier__in=served).count():,} in the readable dossiers"
        )

    client = Client()
    client.force_login(user)
    search_url = reverse("zoeken:zoeken")
    timings = []
    for label, query in QUERIES.items():
        timings.append(
            time_it(
                f"search selectors, {label} ({query!r})",
                lambda q=query: (search_notes(user, q), search_signals(user, q)),
                args.runs,
            )
        )
        timings.append(
            time_it(
                f"/zoeken/ page, {label} ({query!r})",
                lambda q=query: client.get(search_url, {"q": q}),
                args.runs,
            )
        )
    timings.append(
        time_it(
            f"theme_overview, {len(served)} schools",
            lambda: theme_overview(list(readable.values_list("pk", flat=True))),
            args.runs,
        )
    )
    timings.append(
        time_it(
            f"/consultaties/themas/ page, {len(served)} schools",
            lambda: client.get(reverse("consultatie:my_themes")),
            args.runs,
        )
    )
    timings.append(
        time_it(
            f"theme_overview, one dossier ({busiest.n} notes)",
            lambda: theme_overview([busiest.pk]),
            args.runs,
        )
    )
    timings.append(
        time_it(
            "dossier themes page, one dossier",
            lambda: client.get(reverse("consultatie:themes", args=[busiest.pk])),
            args.runs,
        )
    )

    notes_first, signals_first, overview_first = suggested_shapes(user)
    for label, query in QUERIES.items():
        timings.append(
            time_it(
                f"suggested: search selectors, {label}",
                lambda q=query: (notes_first(q), signals_first(q)),
                args.runs,
            )
        )
    timings.append(
        time_it(f"suggested: theme_overview, {len(served)} schools", overview_first, args.runs)
    )
    # and the same with two settings for a database whose data fits in memory (see README)
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
        cursor.execute("SET random_page_cost = 1.1")
    try:
        for label, query in QUERIES.items():
            timings.append(
                time_it(
                    f"suggested + jit off, rpc 1.1: search, {label}",
                    lambda q=query: (notes_first(q), signals_first(q)),
                    args.runs,
                )
            )
        timings.append(
            time_it(
                f"suggested + jit off, rpc 1.1: theme_overview, {len(served)} schools",
                overview_first,
                args.runs,
            )
        )
        timings.append(
            time_it(
                "current + jit off, rpc 1.1: search, common word",
                lambda: (search_notes(user, "leerling"), search_signals(user, "leerling")),
                args.runs,
            )
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")
            cursor.execute("RESET random_page_cost")

    print()
    width = max(len(t.name) for t in timings)
    print(f"{'':{width}}  median      p95  queries  target {TARGET_MS:.0f} ms (p95)")
    for timing in timings:
        verdict = "meets" if timing.meets else "MISSES"
        print(
            f"{timing.name:{width}}  {timing.median:6.1f}  {timing.p95:7.1f}  "
            f"{timing.query_count:7}  {verdict:6}  {timing.note}"
        )
    print(f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (1-minute average)")
    missed = [t for t in timings if not t.meets]
    if args.explain:
        for timing in missed:
            explain(timing)
    elif missed:
        print("Run with --explain to see the query plans of what misses the target.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
