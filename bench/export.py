"""How long does the dossier export of a school with five years of history take? (target: 60 s)

Not a test: a standalone timing, in the style of jaarverslag.py (whose school, partners and
personas it reuses, in a database of its own). Test settings (DEBUG off) in-process, against
DATABASE_URL (default postgres://postgres@127.0.0.1:5432/samenwerking_bench_export; created and
migrated when missing, refused when its name lacks "bench"); the uploaded files live in
BENCH_MEDIA_ROOT (default /tmp/bench-export-media) so a later run finds them again.

It builds once, through the services, five school years of history: per year 60 signals with
300 supplements, 400 consultation notes, 8 documents with 3 versions each (40 documents in
all, 120 files of 20-200 KiB), 4 agreements approved by every party (one changed into a second
version), 6 structural meetings, 20 leersteunvragen and the samenwerkingsgesprek with 5
agreements; later runs find it again (--rebuild makes it again). It then makes the directie's
export --runs times (default 1) with report_generate, as a worker does, and prints the wall and
CPU time, the size, the entries and PDFs in the ZIP, the queries, the progress writes and the
process's peak memory.

    .venv/bin/python bench/export.py [--runs 1] [--keep /tmp/export.zip] [--rebuild]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import resource
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_signalenoverzicht import SENTENCES, SOURCES, TITLES  # noqa: E402
from inprocess import migrate, setup_django  # noqa: E402
from jaarverslag import NOTE_SENTENCES, NOTE_THEMES, people, text_of  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/samenwerking_bench_export"
TARGET_SECONDS = 60.0
YEARS = 5
SIGNALS, SUPPLEMENTS_EACH = 60, 5
NOTES = 400
DOCUMENTS, VERSIONS = 8, 3
AGREEMENTS, MEETINGS, VRAGEN, GESPREK_AGREEMENTS = 4, 6, 20, 5


def school_years(current: str) -> list[str]:
    start = int(current[:4])
    return [f"{year}-{year + 1}" for year in range(start - YEARS + 1, start + 1)]


def is_built(dossier, years: list[str]) -> bool:
    from consultatie.models import Consultatie
    from dossier.documenten.models import DocumentVersie

    versions = DocumentVersie.objects.filter(document__dossier=dossier)
    return (
        Consultatie.objects.filter(dossier=dossier, school_year=years[0]).count() == NOTES
        and versions.count() == YEARS * DOCUMENTS * VERSIONS
        and all(version.file.storage.exists(version.file.name) for version in versions[:3])
    )


def a_day(rng: random.Random, year: str) -> datetime.date:
    """A school day of ``year`` that is not in the future."""
    first = datetime.date(int(year[:4]), 9, 2)
    last = min(datetime.date(int(year[:4]) + 1, 6, 30), datetime.date.today())
    return first + datetime.timedelta(days=rng.randrange(max(1, (last - first).days)))


def build(current: str, *, rebuild: bool = False):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.utils import timezone
    from jaarverslag import clear

    from consultatie.models import Consultatie
    from consultatie.services import consultatie_create
    from dossier.afspraken.services import afspraak_approve, afspraak_change, afspraak_create
    from dossier.core.access import user_flags
    from dossier.core.models import Thema
    from dossier.documenten.services import document_new_version, document_upload
    from dossier.overleg.models import StructureelOverleg
    from dossier.overleg.services import overleg_save
    from leersteun.models import Leersteunvraag, Onderdeel, Sjabloon, SjabloonVersie, Vraag
    from leersteun.services.gesprek import afspraak_add, gesprek_start
    from leersteun.services.vragen import vraag_register
    from signalen.models import Aanvulling, Bron, Signaal
    from signalen.services import aanvulling_add, signaal_create
    from signalen.workflow import Kind

    years = school_years(current)
    school, cast = people(current)
    dossier = school.dossier
    if is_built(dossier, years) and not rebuild:
        return dossier, cast, years
    print(f"Making five school years of history ({years[0]} to {years[-1]}) ...")
    started = time.perf_counter()
    rng = random.Random(2026)
    access = {key: user_flags(user, dossier) for key, user in cast.items()}
    partners = {p.partner_kind: p.partner for p in school.partnerships.select_related("partner")}
    themes = {name: Thema.objects.get_or_create(name=name)[0] for name, _t in TITLES}
    note_themes = [Thema.objects.get_or_create(name=name)[0] for name in NOTE_THEMES]
    sources = [Bron.objects.get_or_create(name=name)[0] for name in SOURCES]
    kinds = [Kind.DUIDING, Kind.ADVIES, Kind.OPMERKING, Kind.AFSPRAAK, Kind.STAND_VAN_ZAKEN]
    lsc = partners["lsc"]
    with transaction.atomic():
        clear(dossier)
        Sjabloon.objects.filter(lsc=lsc).delete()
        versie = SjabloonVersie.objects.create(
            sjabloon=Sjabloon.objects.create(lsc=lsc, name="Samenwerkingsgesprek LSC Bench"),
            number=1,
            published_at=timezone.now(),
        )
        part = Onderdeel.objects.create(versie=versie, position=0, title="De school")
        for position in range(3):
            Vraag.objects.create(
                onderdeel=part, position=position, text=f"Vraag {position + 1}", kind="long_text"
            )
        for year in years:
            print(f"  {year}")
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
                    school_year=year,
                )
                for number in range(SUPPLEMENTS_EACH):
                    writer = "clb" if number % 2 == 0 else "directie"
                    aanvulling_add(
                        signaal=signaal,
                        author=cast[writer],
                        access=access[writer],
                        kind=kinds[number],
                        text=text_of(rng, SENTENCES, 1, 6)[:4000],
                    )
            logged = datetime.datetime.combine(
                a_day(rng, year), datetime.time(10), tzinfo=timezone.get_current_timezone()
            )
            Signaal.objects.filter(dossier=dossier, school_year=year).update(created_at=logged)
            Aanvulling.objects.filter(signaal__dossier=dossier, signaal__school_year=year).update(
                created_at=logged
            )
            for number in range(NOTES):
                consultatie_create(
                    dossier=dossier,
                    author=cast["clb"],
                    access=access["clb"],
                    themas=rng.sample(note_themes, rng.randint(1, 3)),
                    date=a_day(rng, year),
                    asked_by=rng.choice(["leerkracht", "zorgcoordinator", "directie"]),
                    subject_kind=rng.choice(["leerling", "groep", "klas", "leerkracht"]),
                    label=f"{rng.randint(1, 6)}{rng.choice('ABC')}-{number}",
                    question=text_of(rng, NOTE_SENTENCES, 1, 3),
                    analysis=text_of(rng, NOTE_SENTENCES, 1, 3),
                    advice=text_of(rng, NOTE_SENTENCES, 1, 3),
                    next_steps=text_of(rng, NOTE_SENTENCES, 1, 2),
                )
            for number in range(DOCUMENTS):
                body = " ".join(rng.choice(NOTE_SENTENCES) for _ in range(rng.randint(250, 2500)))
                document = document_upload(
                    dossier=dossier,
                    user=cast["directie"],
                    access=access["directie"],
                    uploaded=SimpleUploadedFile(
                        f"document-{number}.txt", body.encode(), "text/plain"
                    ),
                    title=f"Gedeeld document {year} nr. {number + 1}",
                    kind=["visietekst", "verslag", "folder", "andere"][number % 4],
                    school_year=year,
                    for_clb=number % 3 != 2,
                    for_pbd=number % 3 == 1,
                    for_lsc=number % 4 == 0,
                )
                for version in range(2, VERSIONS + 1):
                    document_new_version(
                        document=document,
                        user=cast["directie"],
                        access=access["directie"],
                        uploaded=SimpleUploadedFile(
                            f"document-{number}-v{version}.txt",
                            (body + f" Versie {version}.").encode(),
                            "text/plain",
                        ),
                    )
            for number in range(AGREEMENTS):
                kinds_bound = [("clb",), ("clb", "pbd"), ("pbd",), ("lsc",)][number]
                parties = {"school": (school, "De zorgcoördinator volgt op.")} | {
                    kind: (partners[kind], text_of(rng, NOTE_SENTENCES, 1, 2))
                    for kind in kinds_bound
                }
                fields = {
                    "title": f"Afspraak {year} nr. {number + 1}",
                    "topic": ["consultatie", "signalen", "communicatie", "overleg"][number],
                    "evaluation_date": datetime.date(int(year[:4]) + 1, 5, 1 + number),
                    "summary": text_of(rng, NOTE_SENTENCES, 2, 4),
                    "parties": parties,
                }
                afspraak = afspraak_create(
                    dossier=dossier, user=cast["directie"], access=access["directie"], **fields
                )
                if number == 0:
                    afspraak = afspraak_change(
                        afspraak=afspraak,
                        user=cast["directie"],
                        access=access["directie"],
                        **fields | {"summary": text_of(rng, NOTE_SENTENCES, 2, 4)},
                    )
                for key in ("directie", *kinds_bound):
                    afspraak_approve(afspraak=afspraak, user=cast[key], access=access[key])
            for _number in range(MEETINGS):
                overleg_save(
                    dossier=dossier,
                    user=cast["directie"],
                    access=access["directie"],
                    date=a_day(rng, year),
                    agenda=text_of(rng, NOTE_SENTENCES, 2, 4),
                    decisions=text_of(rng, NOTE_SENTENCES, 1, 3),
                    data_reflected_on="Datawijzer en leersteunwijzer van dit schooljaar.",
                    school_participants="Els Janssens (directie), Sarah Wouters",
                    clb_participants="Lotte Maes",
                    pbd_participants="Koen Peeters",
                )
            gesprek = gesprek_start(
                dossier=dossier, user=cast["lsc"], access=access["lsc"], school_year=year
            )
            for number in range(GESPREK_AGREEMENTS):
                afspraak_add(
                    gesprek=gesprek,
                    user=cast["lsc"],
                    access=access["lsc"],
                    what=text_of(rng, NOTE_SENTENCES, 1, 1),
                    partner=["school", "lsc", "both"][number % 3],
                )
            for number in range(VRAGEN):
                vraag = vraag_register(
                    dossier=dossier,
                    user=cast["zorg"],
                    access=access["zorg"],
                    level=["leerling", "leerkracht", "schoolteam"][number % 3],
                    owner=["leerkracht", "zorgcoordinator", "schoolteam"][number % 3],
                    label=f"Vraag {number + 1}",
                    leervraag=text_of(rng, NOTE_SENTENCES, 1, 2),
                    domains=[["coaching"], ["inclusie", "doelgroep"], ["onderwijskunde"]][
                        number % 3
                    ],
                )
                # registered this year by the service: filed under the year it belongs to
                Leersteunvraag.objects.filter(pk=vraag.pk).update(school_year=year)
        assert Consultatie.objects.filter(dossier=dossier).count() == YEARS * NOTES
        assert StructureelOverleg.objects.filter(dossier=dossier).count() == YEARS * MEETINGS
    print(f"  done in {time.perf_counter() - started:.1f} s")
    return dossier, cast, years


def export_once(dossier, requester):
    """A fresh export made as the worker makes it: (wall s, CPU s, report, progress writes)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dossier.rapporten.models import Report
    from dossier.rapporten.services import report_generate

    report = Report.objects.create(
        dossier=dossier, kind="export", school_year="", requested_by=requester
    )
    started, cpu_started = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        made = report_generate(report_id=report.pk)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    report.refresh_from_db()
    if not made or report.status != Report.Status.DONE:
        raise RuntimeError(f"export {report.pk} ended {report.status}: {report.error}")
    progress_writes = sum(1 for q in queries if "progress_done" in q["sql"])
    return elapsed, cpu, report, len(queries), progress_writes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="exports timed (default 1)")
    parser.add_argument("--keep", metavar="PATH", help="copy the last ZIP to PATH")
    parser.add_argument("--rebuild", action="store_true", help="make the history again")
    args = parser.parse_args()

    setup_django(DEFAULT_DATABASE_URL)
    from django.conf import settings

    # the documents' files must outlive the run, as the database does
    settings.MEDIA_ROOT = os.environ.get("BENCH_MEDIA_ROOT", "/tmp/bench-export-media")  # noqa: S108
    migrate()
    if settings.DEBUG:
        print("DEBUG is on: measure with DEBUG off.", file=sys.stderr)
        return 2
    from django.db import connection
    from django.utils import timezone

    from dossier.rapporten.models import Report
    from samenwerking.schoolyear import school_year_of

    dossier, cast, years = build(school_year_of(timezone.localdate()), rebuild=args.rebuild)
    requester = cast["directie"]
    print(
        f"Database {connection.settings_dict['NAME']}, {years[0]} to {years[-1]}, per year: "
        f"{SIGNALS} signals with {SIGNALS * SUPPLEMENTS_EACH} supplements, {NOTES} notes, "
        f"{DOCUMENTS} documents x {VERSIONS} versions, {AGREEMENTS} approved agreements, "
        f"{MEETINGS} meetings, {VRAGEN} leersteunvragen, 1 samenwerkingsgesprek; "
        f"the export of the directie ({requester})"
    )
    times = []
    try:
        for run in range(1, args.runs + 1):
            seconds, cpu, report, queries, writes = export_once(dossier, requester)
            times.append(seconds)
            with report.file.open("rb") as handle:
                names = zipfile.ZipFile(handle).namelist()
            pdfs = sum(1 for name in names if name.endswith(".pdf"))
            documents = sum(1 for name in names if name.startswith("documenten/"))
            print(
                f"export {run}: {seconds:.1f} s (CPU {cpu:.1f} s), {report.size / 2**20:.1f} MiB, "
                f"{len(names)} entries ({pdfs} PDFs, {documents} document files), "
                f"{queries} queries, {writes} progress writes"
            )
            if args.keep:
                with report.file.open("rb") as source:
                    Path(args.keep).write_bytes(source.read())
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"load   {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (1-minute average)")
        print(f"peak resident size {peak:.0f} MiB")
        worst = max(times)
        verdict = "meets" if worst <= TARGET_SECONDS else "MISSES"
        print(f"target {TARGET_SECONDS:.0f} s: {verdict} the target (slowest run)")
        return 0 if worst <= TARGET_SECONDS else 1
    finally:
        for made in Report.objects.filter(dossier=dossier):
            made.file.delete(save=False)
        Report.objects.filter(dossier=dossier).delete()


if __name__ == "__main__":
    sys.exit(main())
