"""How long does the PDF of a full samenwerkingsgesprek take? (target: 2 seconds)

Not a test: a standalone timing, in the style of bench_signalenoverzicht.py. It uses the test
settings (DEBUG off) against its own scratch database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/samenwerking_bench_gesprek; created and migrated when
missing, and refused when its name lacks "bench"). Each run it makes the conversation again:
one school and its LSC, a template of 5 parts with 80 questions of every kind, this year's
conversation with every question answered in realistic Dutch (a few left open, one confidential
code), 10 agreements, and last year's conversation with 8 agreements that this one evaluated.
It then renders the report --renders times (default 10) in this one process with
report_generate, as a worker does, and prints the median and the maximum wall time, the CPU
time, the queries of one report, the pages, and how the process's memory moved from the first
render to the last.

    .venv/bin/python bench/gesprek_pdf.py [--renders 10] [--confidential]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_signalenoverzicht import ensure_database, migrate  # noqa: E402
from inprocess import time_renders  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/samenwerking_bench_gesprek"
TARGET_SECONDS = 2.0
BENCH_INSTELLINGSNUMMER = "999101"
PARTS = 5
QUESTIONS = 80
AGREEMENTS = 10
LAST_YEAR_AGREEMENTS = 8

PART_TITLES = [
    ("Missie en visie", "Wat het LSC doet en hoe we het samen waarmaken."),
    ("Voorwaarden voor leersteun", "De filters die we samen op elke vraag leggen."),
    ("De school", "Leerlingen, zorgbeleid, overlegstructuur en netwerk van de school."),
    ("Communicatie", "Hoe en wanneer we elkaar op de hoogte houden."),
    ("Praktisch", "Adressen, uurrooster, vakanties en toegang tot de school."),
]
# (kind, question) per part; cycled until each part has its share of the 80 questions
QUESTION_TEXTS = {
    "long_text": [
        "Hoe zorgt het team ervoor dat elke leerkracht weet wat leersteun kan inhouden?",
        "Welke partners zijn betrokken bij de zorg voor leerlingen en wie doet wat?",
        "Hoe verankert de school de expertise van eerdere trajecten?",
        "Op welke manier maakt de school ruimte voor overleg met de ondersteuner?",
        "Wat neemt de school zelf op en wie doet dat?",
        "Welke prioriteiten stellen we dit schooljaar, los van een vraag?",
        "Hoe ziet de brede basiszorg er op deze school uit?",
        "Hoe betrekt de school de ouders bij een vraag naar leersteun?",
    ],
    "short_text": [
        "Aanspreekpunt van de school voor leersteun",
        "Vaste dag van de ondersteuner",
        "Adres van de hoofdvestiging",
        "Telefoonnummer van het secretariaat",
        "Waar kan de ondersteuner parkeren?",
    ],
    "yes_no": [
        "Is de missie van het LSC duidelijk voor alle partners?",
        "Heeft de school een zorgbeleidsplan dat dit schooljaar herzien werd?",
    ],
    "number": [
        "Hoeveel leerlingen met een GC-verslag telt de school dit schooljaar?",
        "Hoeveel leerlingen met een IAC-verslag telt de school dit schooljaar?",
    ],
    "date": ["Datum van de eerste personeelsvergadering"],
    "choice": ["Hoe houden we elkaar bij voorkeur op de hoogte?"],
    "people": ["Wie zit in het zorgteam?"],
    "terms": ["Vakanties en vrije dagen per trimester"],
}
KIND_CYCLE = [
    "long_text",
    "short_text",
    "long_text",
    "yes_no",
    "long_text",
    "short_text",
    "number",
    "long_text",
    "people",
    "long_text",
    "short_text",
    "date",
    "long_text",
    "choice",
    "terms",
    "long_text",
]
SENTENCES = [
    "Het zorgteam komt om de twee weken samen, telkens op dinsdag na de lessen.",
    "De zorgcoördinator verzamelt de vragen van de leerkrachten en brengt ze naar het overleg.",
    "We starten een vraag pas op wanneer de school in fase 0 en 1 al acties ondernomen heeft.",
    "Bij elke nieuwe vraag kijken we of er in dezelfde klas al een traject liep.",
    "De leerkrachten krijgen bij de start van het schooljaar een korte toelichting over leersteun.",
    "Wat de ondersteuner aanbrengt, wordt in het leerlingvolgsysteem genoteerd.",
    "Ouders worden uitgenodigd voor een gesprek voor een traject opstart.",
    "In de tweede graad werken we met vaste co-teachmomenten in wiskunde en Nederlands.",
    "Het CLB sluit aan bij het zorgoverleg wanneer er een verslag in opmaak is.",
    "De directie volgt het aantal lopende vragen per trimester op.",
    "We willen vaker teamgericht werken, bijvoorbeeld rond differentiatie en UDL.",
    "Een vraag die lijkt op een eerdere, bundelen we zodat de hele klasgroep er iets aan heeft.",
    "Na elk traject bekijken we samen wat de school zelf kan overnemen.",
    "De ondersteuner is welkom in de leraarskamer en krijgt een eigen postvak.",
]
SHORT_ANSWERS = [
    "Sarah Wouters, zorgcoördinator",
    "Elke donderdag, van 8.30 tot 15.30 uur",
    "Kerkstraat 12, 8500 Kortrijk",
    "056 12 34 56",
    "Op de parking achter de sporthal",
]
PEOPLE = [
    ("Sarah Wouters", "zorgcoördinator", "sarah.wouters@regenboog.be"),
    ("Tom Peeters", "leerlingenbegeleider", "tom.peeters@regenboog.be"),
    ("Els Janssens", "directeur", "directie@regenboog.be"),
    ("Karim El Amrani", "leerkracht 5e leerjaar", "karim.elamrani@regenboog.be"),
    ("Lotte Maes", "CLB-medewerker", "lotte.maes@clb.be"),
]
AGREEMENT_TEXTS = [
    "Het LSC geeft in het voorjaar een teamvorming over differentiatie in de klas.",
    "De school bundelt de vragen van het eerste leerjaar tot één teamgerichte vraag.",
    "De zorgcoördinator stuurt de ondersteuner vóór elk zorgoverleg de agenda.",
    "We evalueren halverwege het schooljaar de lopende trajecten samen met het CLB.",
    "De ondersteuner sluit aan bij twee personeelsvergaderingen.",
    "De school maakt een overzicht van de redelijke aanpassingen per klas.",
    "Het LSC deelt een lijst met materialen rond taalondersteuning.",
    "We plannen in mei een gesprek over de prioriteiten van volgend schooljaar.",
    "De school informeert de ouders met een korte brief over wat leersteun is.",
    "Het LSC en de school spreken vaste contactmomenten per trimester af.",
]
REMARKS = [
    "Gebeurd in maart; het team vroeg om een vervolg.",
    "Loopt nog, de agenda komt niet altijd op tijd.",
    "Niet gelukt door de wissel van zorgcoördinator; we nemen het opnieuw op.",
    "Goed gelopen, blijft zo.",
]


def setup_django() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    if "bench" not in os.environ["DATABASE_URL"].rsplit("/", 1)[-1]:
        raise SystemExit("Refusing a database whose name lacks 'bench'.")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "samenwerking.settings.test"
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-reports-"))
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()


def people_value(rng: random.Random) -> list[dict]:
    chosen = rng.sample(PEOPLE, rng.randint(3, len(PEOPLE)))
    return [{"name": n, "function": f, "contact": c} for n, f, c in chosen]


def answer_for(vraag, rng: random.Random):
    kind = vraag.kind
    if kind == "long_text":
        return " ".join(rng.sample(SENTENCES, rng.randint(3, 6)))
    if kind == "short_text":
        return rng.choice(SHORT_ANSWERS)
    if kind == "yes_no":
        return rng.choice([True, False])
    if kind == "number":
        return rng.randint(2, 40)
    if kind == "date":
        return datetime.date(2025, 8, 28).isoformat()
    if kind == "choice":
        return rng.choice(vraag.choice_list)
    if kind == "people":
        return people_value(rng)
    if kind == "terms":
        return {
            "1": "Herfstvakantie 27/10 tot 2/11, pedagogische studiedag 15/10",
            "2": "Kerstvakantie 22/12 tot 4/1, krokusvakantie 16/2 tot 22/2",
            "3": "Paasvakantie 6/4 tot 19/4, vrije dag 1/5 en Hemelvaart",
        }
    raise ValueError(kind)


def build(school_year: str):
    """The bench school, its LSC, a template of 80 questions and two years of conversations:
    made again each run. Returns (dossier, the ankerpersoon, this year's conversation)."""
    from django.db import transaction

    from accounts.models import Organisation, User
    from accounts.roles import Role
    from accounts.services import (
        membership_confirm,
        membership_create,
        organisation_create,
        partnership_create,
    )
    from dossier.core.access import user_flags
    from dossier.core.services import AccessLevel, access_grant
    from leersteun.models import Gesprek, Onderdeel, Sjabloon, SjabloonVersie, Vraag
    from leersteun.services import gesprek as services

    rng = random.Random(2026)
    long_ago = datetime.date(2020, 9, 1)
    school = Organisation.objects.filter(instellingsnummer=BENCH_INSTELLINGSNUMMER).first()
    with transaction.atomic():
        if school is None:
            school = organisation_create(
                kind="school",
                name="Vrije Basisschool De Regenboog (bench gesprek)",
                instellingsnummer=BENCH_INSTELLINGSNUMMER,
                street="Kerkstraat 12",
                postcode="8500",
                city="Kortrijk",
            )
            lsc = organisation_create(kind="lsc", name="LSC Bench Leie")
            partnership_create(school=school, partner=lsc, start_date=long_ago)
            admin = User.objects.create_user(
                email="bench-gesprek-beheer@example.be",
                first_name="Bea",
                last_name="Beheer",
                is_staff=True,
                notification_frequency=User.NotificationFrequency.NONE,
            )
            for key, org, role in [
                ("directie", school, Role.DIRECTIE),
                ("anker", lsc, Role.LSC_ANKERPERSOON),
            ]:
                user = User.objects.create_user(
                    email=f"bench-gesprek-{key}@example.be",
                    first_name={"directie": "Els", "anker": "Joris"}[key],
                    last_name={"directie": "Janssens", "anker": "Claes"}[key],
                    notification_frequency=User.NotificationFrequency.NONE,
                )
                membership = membership_create(
                    user=user, organisation=org, role=role, start_date=long_ago
                )
                if membership.is_pending:
                    membership_confirm(membership=membership, actor=admin)
            directie = User.objects.get(email="bench-gesprek-directie@example.be")
            access_grant(
                dossier=school.dossier,
                granted_by=directie,
                access=user_flags(directie, school.dossier),
                user=User.objects.get(email="bench-gesprek-anker@example.be"),
                level=AccessLevel.CONTRIBUTE,
            )
        dossier = school.dossier
        directie = User.objects.get(email="bench-gesprek-directie@example.be")
        anker = User.objects.get(email="bench-gesprek-anker@example.be")
        lsc = Organisation.objects.get(name="LSC Bench Leie")
        # everything of the conversations is made again: the same figures every run
        Gesprek.objects.filter(dossier=dossier).delete()
        Sjabloon.objects.filter(lsc=lsc).delete()

        sjabloon = Sjabloon.objects.create(lsc=lsc, name="Samenwerkingsgesprek LSC Bench Leie")
        versie = SjabloonVersie.objects.create(
            sjabloon=sjabloon, number=1, published_at=datetime.datetime.now(datetime.UTC)
        )
        per_part = QUESTIONS // PARTS
        counters = dict.fromkeys(QUESTION_TEXTS, 0)
        for index, (title, intro) in enumerate(PART_TITLES):
            onderdeel = Onderdeel.objects.create(
                versie=versie, position=index, title=title, intro=intro
            )
            for position in range(per_part):
                if (index, position) == (PARTS - 1, per_part - 1):
                    # the last question of the practical part: a confidential code
                    Vraag.objects.create(
                        onderdeel=onderdeel,
                        position=position,
                        text="Code van de poort en wifi voor bezoekers",
                        kind="short_text",
                        confidential=True,
                    )
                    continue
                kind = KIND_CYCLE[position % len(KIND_CYCLE)]
                texts = QUESTION_TEXTS[kind]
                text = texts[counters[kind] % len(texts)]
                counters[kind] += 1
                Vraag.objects.create(
                    onderdeel=onderdeel,
                    position=position,
                    text=f"{text} ({index + 1}.{position + 1})",
                    kind=kind,
                    choices="Per mail\nTelefonisch\nOp het zorgoverleg" if kind == "choice" else "",
                    filled_by="lsc" if position % 5 == 4 else "school",
                )

        last_year = f"{int(school_year[:4]) - 1}-{int(school_year[:4])}"
        anker_access = user_flags(anker, dossier)
        previous = services.gesprek_start(
            dossier=dossier, user=anker, access=anker_access, school_year=last_year
        )
        earlier = [
            services.afspraak_add(
                gesprek=previous,
                user=anker,
                access=anker_access,
                what=AGREEMENT_TEXTS[number],
                partner=["school", "lsc", "both"][number % 3],
                due_date=datetime.date(int(last_year[5:]), 5, 1 + number),
            )
            for number in range(LAST_YEAR_AGREEMENTS)
        ]
        gesprek = services.gesprek_start(
            dossier=dossier, user=anker, access=anker_access, school_year=school_year
        )
        directie_access = user_flags(directie, dossier)
        school_values, lsc_values = {}, {}
        for number, vraag in enumerate(services.questions_of(versie)):
            if number % 17 == 16:
                continue  # a few left open: "Niet ingevuld"
            value = "Poort 4711#, wifi RegenboogGast / Zonnebloem26"
            if not vraag.confidential:
                value = answer_for(vraag, rng)
            (lsc_values if vraag.filled_by == "lsc" else school_values)[vraag.pk] = value
        services.answers_save(
            gesprek=gesprek, user=directie, access=directie_access, values=school_values
        )
        services.answers_save(gesprek=gesprek, user=anker, access=anker_access, values=lsc_values)
        for number in range(AGREEMENTS):
            services.afspraak_add(
                gesprek=gesprek,
                user=anker,
                access=anker_access,
                what=AGREEMENT_TEXTS[number],
                partner=["school", "lsc", "both"][number % 3],
                due_date=datetime.date(int(school_year[5:]), 6, 1 + number),
            )
        for number, afspraak in enumerate(earlier):
            services.afspraak_evaluate(
                gesprek=gesprek,
                afspraak=afspraak,
                user=directie,
                access=directie_access,
                outcome=["done", "ongoing", "dropped", "done"][number % 4],
                remark=REMARKS[number % len(REMARKS)],
            )
        services.gesprek_plan(
            gesprek=gesprek,
            user=anker,
            access=anker_access,
            planned_for=datetime.datetime(
                int(school_year[:4]), 10, 14, 13, 30, tzinfo=datetime.UTC
            ),
            place="Vergaderzaal van de school",
            school_participants="Els Janssens (directeur), Sarah Wouters (zorgcoördinator)",
            lsc_participants="Joris Claes (ankerpersoon)",
            clb_participants="Lotte Maes",
        )
    return dossier, anker, gesprek


def render_once(dossier, anker, gesprek, *, confidential: bool):
    """A fresh Report rendered as the worker does; (wall s, CPU s, report)."""
    from dossier.rapporten.models import Report
    from dossier.rapporten.services import report_generate

    report = Report.objects.create(
        dossier=dossier,
        kind="samenwerkingsgesprek",
        school_year=gesprek.school_year,
        requested_by=anker,
        subject_id=gesprek.pk,
        subject_label=gesprek.lsc.name,
        include_confidential=confidential,
    )
    started, cpu_started = time.perf_counter(), time.process_time()
    rendered = report_generate(report_id=report.pk)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    report.refresh_from_db()
    if not rendered or report.status != Report.Status.DONE:
        raise RuntimeError(f"report {report.pk} ended {report.status}: {report.error}")
    return elapsed, cpu, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=10, help="renders timed (default 10)")
    parser.add_argument(
        "--confidential", action="store_true", help="render with the confidential answers"
    )
    parser.add_argument("--keep", metavar="PATH", help="copy the last PDF to PATH")
    args = parser.parse_args()

    setup_django()
    migrate()

    from django.conf import settings

    if settings.DEBUG:
        print("DEBUG is on: measure with DEBUG off.", file=sys.stderr)
        return 2
    from django.db import connection
    from django.utils import timezone

    from samenwerking.schoolyear import school_year_of

    school_year = school_year_of(timezone.localdate())
    started = time.perf_counter()
    dossier, anker, gesprek = build(school_year)
    print(
        f"Database {connection.settings_dict['NAME']}: built in "
        f"{time.perf_counter() - started:.1f} s: {QUESTIONS} questions in {PARTS} parts, "
        f"{AGREEMENTS} agreements, {LAST_YEAR_AGREEMENTS} of last year evaluated"
    )
    return time_renders(
        lambda: render_once(dossier, anker, gesprek, confidential=args.confidential),
        dossier=dossier,
        renders=args.renders,
        keep=args.keep,
        target_seconds=TARGET_SECONDS,
        counted="claim, build, result",
    )


if __name__ == "__main__":
    sys.exit(main())
