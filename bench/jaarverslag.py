"""How long does the jaarverslag of a busy school year take? (target: 5 seconds)

Not a test: a standalone timing, in the style of gesprek_pdf.py. It uses the test settings
(DEBUG off) in-process against its own database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/samenwerking_bench_jaarverslag; created and migrated when
missing, refused when its name lacks "bench"). It builds once, through the services, one
school with its CLB, PBD and LSC and a busy school year: 60 signals with 300 supplements
spread over the months so far, 80 consultation notes this year (and 140 in the two years
before, for the red threads), 10 agreements (4 of them changed into a second version, half
approved by everyone), 6 structural meetings, 30 shared documents, 40 leersteunvragen (most of
them decided on) and the samenwerkingsgesprek with 10 agreements; later runs find it again
(--rebuild makes the content again). It then renders the jaarverslag of one persona (default:
the directie, who reads every part) --renders times (default 5) in this one process with
report_generate, as a worker does, and prints the median and the maximum wall time, the CPU
time, the queries of one report, the pages, the size and how the process's memory moved.

    .venv/bin/python bench/jaarverslag.py [--renders 5] [--as directie|clb|pbd|lsc]
                                          [--keep /tmp/jaarverslag.pdf] [--rebuild]
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

from bench_signalenoverzicht import SENTENCES, SOURCES, TITLES  # noqa: E402
from inprocess import migrate, setup_django, time_renders  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/samenwerking_bench_jaarverslag"
TARGET_SECONDS = 5.0
BENCH_INSTELLINGSNUMMER = "999301"
SIGNALS, SUPPLEMENTS = 60, 300
NOTES, EARLIER_NOTES = 80, 140
AGREEMENTS, CHANGED_AGREEMENTS = 10, 4
MEETINGS, DOCUMENTS, VRAGEN, GESPREK_AGREEMENTS = 6, 30, 40, 10

NOTE_THEMES = [
    "Leren leren",
    "Gedrag in de klas",
    "Taalontwikkeling",
    "Rekenen",
    "Welbevinden",
    "Studiekeuze en oriëntering",
    "Afwezigheden en spijbelen",
    "Samenwerken met ouders",
    "Hoogbegaafdheid",
    "Faalangst",
]
NOTE_SENTENCES = [
    "De leerkracht merkt dat de leerling afhaakt zodra de instructie langer duurt.",
    "In de klasgroep is er veel onrust na de speeltijd, vooral op maandag.",
    "De zorgcoördinator vraagt hoe het team de differentiatie haalbaar houdt.",
    "We bekeken samen wat al geprobeerd werd in fase 0 en fase 1.",
    "Het CLB adviseert om met korte, visuele stappenplannen te werken.",
    "Een vaste plek en een duidelijke dagplanning geven rust.",
    "De leerkracht probeert het drie weken en houdt kort bij wat werkt.",
    "Bij het volgende zorgoverleg kijken we samen naar de resultaten.",
    "Ouders worden betrokken via een gesprek met de klastitularis.",
    "Het team wil dit thema breder opnemen op een personeelsvergadering.",
]
AGREEMENT_TOPICS = ["consultatie", "signalen", "communicatie", "overleg", "professionalisering"]


def text_of(rng: random.Random, sentences: list[str], low: int, high: int) -> str:
    return " ".join(rng.choice(sentences) for _ in range(rng.randint(low, high)))


def moment(school_year: str, share: float) -> datetime.datetime:
    """A moment ``share`` (0-1) of the way from 1 September to now (or the year's end)."""
    from django.utils import timezone

    start = datetime.datetime(int(school_year[:4]), 9, 1, 9, tzinfo=timezone.get_current_timezone())
    end = min(timezone.now(), start.replace(year=start.year + 1) - datetime.timedelta(days=1))
    return start + (end - start) * share


def people(school_year: str):
    """The school, its partners and the five personas: made once."""
    from inprocess import with_authenticator

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

    school = Organisation.objects.filter(instellingsnummer=BENCH_INSTELLINGSNUMMER).first()
    if school is None:
        long_ago = datetime.date(2020, 9, 1)
        school = organisation_create(
            kind="school",
            name="Vrije Basisschool De Regenboog (bench jaarverslag)",
            instellingsnummer=BENCH_INSTELLINGSNUMMER,
            street="Kerkstraat 12",
            postcode="8500",
            city="Kortrijk",
        )
        partners = {
            kind: organisation_create(kind=kind, name=name)
            for kind, name in (
                ("clb", "CLB Bench Jaarverslag"),
                ("pbd", "PBD Bench Jaarverslag"),
                ("lsc", "LSC Bench Jaarverslag"),
            )
        }
        for partner in partners.values():
            partnership_create(school=school, partner=partner, start_date=long_ago)
        admin = User.objects.create_user(
            email="bench-jaar-beheer@example.be",
            first_name="Bea",
            last_name="Beheer",
            is_staff=True,
            notification_frequency=User.NotificationFrequency.NONE,
        )
        cast = [
            ("directie", school, Role.DIRECTIE, "Els", "Janssens", None),
            ("zorg", school, Role.ZORGCOORDINATOR, "Sarah", "Wouters", AccessLevel.CONTRIBUTE),
            ("clb", partners["clb"], Role.CLB_MEDEWERKER, "Lotte", "Maes", AccessLevel.CONTRIBUTE),
            (
                "pbd",
                partners["pbd"],
                Role.PBD_BEGELEIDER,
                "Koen",
                "Peeters",
                AccessLevel.CONTRIBUTE,
            ),
            (
                "lsc",
                partners["lsc"],
                Role.LSC_ANKERPERSOON,
                "Joris",
                "Claes",
                AccessLevel.CONTRIBUTE,
            ),
        ]
        for key, organisation, role, first, last, _level in cast:
            user = User.objects.create_user(
                email=f"bench-jaar-{key}@example.be",
                first_name=first,
                last_name=last,
                notification_frequency=User.NotificationFrequency.NONE,
            )
            with_authenticator(user)
            membership = membership_create(
                user=user, organisation=organisation, role=role, start_date=long_ago
            )
            if membership.is_pending:
                membership_confirm(membership=membership, actor=admin)
        directie = User.objects.get(email="bench-jaar-directie@example.be")
        for key, _organisation, _role, _first, _last, level in cast:
            if level is not None:
                access_grant(
                    dossier=school.dossier,
                    granted_by=directie,
                    access=user_flags(directie, school.dossier),
                    user=User.objects.get(email=f"bench-jaar-{key}@example.be"),
                    level=level,
                )
    return school, {
        key: User.objects.get(email=f"bench-jaar-{key}@example.be")
        for key in ("directie", "zorg", "clb", "pbd", "lsc")
    }


def is_built(dossier, school_year: str) -> bool:
    from consultatie.models import Consultatie
    from signalen.models import Aanvulling

    return (
        Aanvulling.objects.filter(
            signaal__dossier=dossier, signaal__school_year=school_year
        ).count()
        == SUPPLEMENTS
        and Consultatie.objects.filter(dossier=dossier, school_year=school_year).count() == NOTES
    )


def clear(dossier) -> None:
    from consultatie.models import Consultatie
    from dossier.afspraken.models import Samenwerkingsafspraak
    from dossier.documenten.models import Document
    from dossier.overleg.models import StructureelOverleg
    from dossier.rapporten.models import Report
    from leersteun.models import Gesprek, Leersteunvraag, Sjabloon
    from signalen.models import Signaal

    for model in (Report, StructureelOverleg, Signaal, Consultatie, Document, Leersteunvraag):
        model.objects.filter(dossier=dossier).delete()
    Gesprek.objects.filter(dossier=dossier).delete()
    Samenwerkingsafspraak.objects.filter(dossier=dossier).delete()
    Sjabloon.objects.filter(lsc__name="LSC Bench Jaarverslag").delete()


def build(school_year: str, *, rebuild: bool = False):
    """The busy school year; returns (dossier, personas)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from consultatie.services import consultatie_create
    from dossier.afspraken.services import afspraak_approve, afspraak_change, afspraak_create
    from dossier.core.access import user_flags
    from dossier.core.models import Thema
    from dossier.documenten.services import document_upload
    from dossier.overleg.services import overleg_save
    from leersteun.models import Onderdeel, Sjabloon, SjabloonVersie, Vraag
    from leersteun.services.gesprek import afspraak_add, gesprek_plan, gesprek_start
    from leersteun.services.vragen import vraag_register, vraag_screen, vraag_status
    from signalen.models import Aanvulling, Bron, Gebeurtenis, Signaal
    from signalen.services import aanvulling_add, signaal_create
    from signalen.workflow import Kind

    school, cast = people(school_year)
    dossier = school.dossier
    if is_built(dossier, school_year) and not rebuild:
        return dossier, cast
    print("Making the busy school year ...")
    started = time.perf_counter()
    rng = random.Random(2026)
    access = {key: user_flags(user, dossier) for key, user in cast.items()}
    partners = {p.partner_kind: p.partner for p in school.partnerships.select_related("partner")}
    with transaction.atomic():
        clear(dossier)
        # signals: spread over the months so far, 0-10 supplements each (300 in all), the
        # timelines moved back to when they would have happened
        themes = {name: Thema.objects.get_or_create(name=name)[0] for name, _t in TITLES}
        sources = [Bron.objects.get_or_create(name=name)[0] for name in SOURCES]
        per_signal = [SUPPLEMENTS // SIGNALS] * SIGNALS
        for _ in range(200):
            give, take = rng.randrange(SIGNALS), rng.randrange(SIGNALS)
            if per_signal[give] > 0 and per_signal[take] < 10:
                per_signal[give] -= 1
                per_signal[take] += 1
        kinds = [Kind.DUIDING, Kind.ADVIES, Kind.OPMERKING, Kind.AFSPRAAK, Kind.STAND_VAN_ZAKEN]
        for index in range(SIGNALS):
            author = "clb" if index % 3 else "directie"
            theme, title = rng.choice(TITLES)
            signaal = signaal_create(
                dossier=dossier,
                author=cast[author],
                access=access[author],
                title=title.format(n=rng.randint(1, 6))[:160],
                text=text_of(rng, SENTENCES, 2, 6)[:2000],
                thema=themes[theme],
                bron=rng.choice(sources),
                school_year=school_year,
            )
            logged = moment(school_year, index / SIGNALS * 0.9)
            Signaal.objects.filter(pk=signaal.pk).update(created_at=logged)
            Gebeurtenis.objects.filter(signaal=signaal).update(created_at=logged)
            for number in range(per_signal[index]):
                writer = "clb" if number % 2 == 0 else "directie"
                before = set(
                    Gebeurtenis.objects.filter(signaal=signaal).values_list("pk", flat=True)
                )
                aanvulling = aanvulling_add(
                    signaal=signaal,
                    author=cast[writer],
                    access=access[writer],
                    kind=kinds[min(number, len(kinds) - 1)],
                    text=text_of(rng, SENTENCES, 1, 6)[:4000],
                )
                when = min(
                    logged + datetime.timedelta(days=rng.randint(2, 12) * (number + 1)),
                    moment(school_year, 1.0),
                )
                Aanvulling.objects.filter(pk=aanvulling.pk).update(created_at=when)
                Gebeurtenis.objects.filter(signaal=signaal).exclude(pk__in=before).update(
                    created_at=when
                )
        # consultations: this year's, and the two years before for the red threads
        note_themes = [Thema.objects.get_or_create(name=name)[0] for name in NOTE_THEMES]
        start = int(school_year[:4])
        today = datetime.date.today()
        for year, count in (
            (start - 2, EARLIER_NOTES // 2),
            (start - 1, EARLIER_NOTES // 2),
            (start, NOTES),
        ):
            first = datetime.date(year, 9, 2)
            last = min(datetime.date(year + 1, 8, 31), today)
            for number in range(count):
                consultatie_create(
                    dossier=dossier,
                    author=cast["clb"],
                    access=access["clb"],
                    themas=rng.sample(note_themes, rng.randint(1, 3)),
                    date=first + (last - first) * number // count,
                    asked_by=rng.choice(["leerkracht", "zorgcoordinator", "directie"]),
                    subject_kind=rng.choice(["leerling", "groep", "klas", "leerkracht"]),
                    label=f"{rng.randint(1, 6)}{rng.choice('ABC')}-{number}",
                    question=text_of(rng, NOTE_SENTENCES, 1, 3),
                    analysis=text_of(rng, NOTE_SENTENCES, 1, 3),
                    advice=text_of(rng, NOTE_SENTENCES, 1, 3),
                    next_steps=text_of(rng, NOTE_SENTENCES, 1, 2),
                )
        # agreements: with the CLB, the PBD, the LSC or several; some changed, half approved
        combos = [("clb",), ("clb", "pbd"), ("pbd",), ("lsc",), ("clb", "pbd", "lsc")]
        for number in range(AGREEMENTS):
            kinds_bound = combos[number % len(combos)]
            parties = {"school": (school, "De zorgcoördinator coördineert en volgt op.")} | {
                kind: (partners[kind], text_of(rng, NOTE_SENTENCES, 1, 2)) for kind in kinds_bound
            }
            fields = {
                "title": f"Afspraak {number + 1}: {AGREEMENT_TOPICS[number % 5]}",
                "topic": AGREEMENT_TOPICS[number % 5],
                "evaluation_date": datetime.date(start + 1, 5, 1 + number),
                "summary": text_of(rng, NOTE_SENTENCES, 2, 4),
                "parties": parties,
            }
            afspraak = afspraak_create(
                dossier=dossier, user=cast["directie"], access=access["directie"], **fields
            )
            if number < CHANGED_AGREEMENTS:
                afspraak = afspraak_change(
                    afspraak=afspraak,
                    user=cast["directie"],
                    access=access["directie"],
                    **fields | {"summary": text_of(rng, NOTE_SENTENCES, 2, 4)},
                )
            if number % 2 == 0:
                for key in ("directie", *kinds_bound):
                    afspraak_approve(afspraak=afspraak, user=cast[key], access=access[key])
        # structural meetings, about one every six weeks so far
        for number in range(MEETINGS):
            overleg_save(
                dossier=dossier,
                user=cast["directie"],
                access=access["directie"],
                date=moment(school_year, (number + 0.5) / MEETINGS).date(),
                agenda=text_of(rng, NOTE_SENTENCES, 2, 4),
                decisions=text_of(rng, NOTE_SENTENCES, 1, 3),
                data_reflected_on="Datawijzer en leersteunwijzer van dit schooljaar.",
                school_participants="Els Janssens (directie), Sarah Wouters (zorgcoördinator)",
                clb_participants="Lotte Maes",
                pbd_participants="Koen Peeters",
                lsc_participants="Joris Claes" if number % 2 else "",
            )
        # shared documents, with every kind of audience
        for number in range(DOCUMENTS):
            document_upload(
                dossier=dossier,
                user=cast["directie"],
                access=access["directie"],
                uploaded=SimpleUploadedFile(
                    f"document-{number}.txt", b"Een gedeelde tekst.", "text/plain"
                ),
                title=f"Gedeeld document {number + 1}",
                kind=["visietekst", "verslag", "folder", "andere"][number % 4],
                school_year=school_year,
                for_clb=number % 3 != 2,
                for_pbd=number % 3 == 1,
                for_lsc=number % 4 == 0,
            )
        # the samenwerkingsgesprek on a small template of the LSC, with its agreements
        lsc = partners["lsc"]
        versie = SjabloonVersie.objects.create(
            sjabloon=Sjabloon.objects.create(lsc=lsc, name="Samenwerkingsgesprek LSC Bench"),
            number=1,
            published_at=datetime.datetime.now(datetime.UTC),
        )
        part = Onderdeel.objects.create(versie=versie, position=0, title="De school")
        for position in range(3):
            Vraag.objects.create(
                onderdeel=part, position=position, text=f"Vraag {position + 1}", kind="long_text"
            )
        gesprek = gesprek_start(dossier=dossier, user=cast["lsc"], access=access["lsc"])
        for number in range(GESPREK_AGREEMENTS):
            afspraak_add(
                gesprek=gesprek,
                user=cast["lsc"],
                access=access["lsc"],
                what=text_of(rng, NOTE_SENTENCES, 1, 1),
                partner=["school", "lsc", "both"][number % 3],
            )
        gesprek_plan(
            gesprek=gesprek,
            user=cast["lsc"],
            access=access["lsc"],
            planned_for=moment(school_year, 0.3),
            school_participants="Els Janssens, Sarah Wouters",
            lsc_participants="Joris Claes",
        )
        # leersteunvragen: most screened and decided on
        for number in range(VRAGEN):
            vraag = vraag_register(
                dossier=dossier,
                user=cast["zorg"],
                access=access["zorg"],
                level=["leerling", "leerkracht", "schoolteam"][number % 3],
                owner=["leerkracht", "zorgcoordinator", "schoolteam"][number % 3],
                label=f"Vraag {number + 1}",
                leervraag=text_of(rng, NOTE_SENTENCES, 1, 2),
                domains=[["coaching"], ["inclusie", "doelgroep"], ["onderwijskunde"]][number % 3],
            )
            if number % 5 == 4:
                continue  # still registered
            vraag = vraag_status(
                vraag=vraag, user=cast["lsc"], access=access["lsc"], to="in_screening"
            )
            decision = ["wachtlijst", "niet_opgestart", "wachtlijst", "wachtlijst"][number % 4]
            vraag_screen(
                vraag=vraag,
                user=cast["lsc"],
                access=access["lsc"],
                lines=[],
                decision=decision,
                reason="Eerst in fase 1 verder werken." if decision == "niet_opgestart" else "",
            )
    print(f"  done in {time.perf_counter() - started:.1f} s")
    return dossier, cast


def render_once(dossier, requester, school_year: str):
    """A fresh Report rendered as the worker does; (wall s, CPU s, report)."""
    from dossier.rapporten.models import Report
    from dossier.rapporten.services import report_generate

    # made directly, not through report_request: with eager Celery that would render at once
    report = Report.objects.create(
        dossier=dossier, kind="jaarverslag", school_year=school_year, requested_by=requester
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
    parser.add_argument("--renders", type=int, default=5, help="renders timed (default 5)")
    parser.add_argument(
        "--as",
        dest="persona",
        choices=["directie", "clb", "pbd", "lsc"],
        default="directie",
        help="whose jaarverslag (default: the directie, who reads every part)",
    )
    parser.add_argument("--keep", metavar="PATH", help="copy the last PDF to PATH")
    parser.add_argument("--rebuild", action="store_true", help="make the school year again")
    args = parser.parse_args()

    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-reports-"))
    setup_django(DEFAULT_DATABASE_URL)
    migrate()

    from django.conf import settings

    if settings.DEBUG:
        print("DEBUG is on: measure with DEBUG off.", file=sys.stderr)
        return 2
    from django.db import connection
    from django.utils import timezone

    from samenwerking.schoolyear import school_year_of

    school_year = school_year_of(timezone.localdate())
    dossier, cast = build(school_year, rebuild=args.rebuild)
    requester = cast[args.persona]
    print(
        f"Database {connection.settings_dict['NAME']}, school year {school_year}: {SIGNALS} "
        f"signals with {SUPPLEMENTS} supplements, {NOTES} notes (+{EARLIER_NOTES} earlier), "
        f"{AGREEMENTS} agreements, {MEETINGS} meetings, {DOCUMENTS} documents, {VRAGEN} "
        f"leersteunvragen; the jaarverslag of the {args.persona} ({requester})"
    )
    return time_renders(
        lambda: render_once(dossier, requester, school_year),
        dossier=dossier,
        renders=args.renders,
        keep=args.keep,
        target_seconds=TARGET_SECONDS,
        counted="claim, build, audit, result",
    )


if __name__ == "__main__":
    sys.exit(main())
