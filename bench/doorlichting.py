"""How much does the doorlichting cost: a CLB directeur's overview of 80 schools, one school's
page, the CLB's CSV and the two PDFs?

Not a test: a standalone timing, in the style of werkoverzicht.py, whose region it uses (the
same database, DATABASE_URL, default postgres://postgres@127.0.0.1:5432/samenwerking_bench_werk;
the name must contain "bench"; built once by ``werkoverzicht.build`` and kept). Once, on top of
that region, it adds what the doorlichting reads and the werkoverzicht does not:

* each signal and note is filed under the school year of its creation (its consultation date),
  as the services would file it (the region draws the school year at random);
* the supplements take turns at duiding, advies, afspraak and remark (the region writes only
  duidingen); their creation times stay as the werkoverzicht bench made them;
* every signal gets its "created" event, and a status event when it was closed (closed_at);
* every note 1-3 of ten themes (about 1.8 a note, as in Flanders), some themes far more often;
* a CLB_DIRECTEUR of the bench CLB, with an authenticator app (MFA).

Then, through Django's test client and alternating each request with the floor page (a
logged-in page that extends base.html and does nothing else, ``bench/urls.py``), as the
directeur: the CLB's doorlichting (``rapporten:clb_doorlichting``) for this school year and the
last full one, and the CSV of its signals part; as the CLB's medewerker: one school's
doorlichting (``rapporten:doorlichting``). Per page the median of --runs requests, the ratio of
throughputs (the floor's median over the page's) and the queries of one request. Then, in
process, the CLB's PDF (``build_clb`` + ``render_pdf``) and the school's PDF
(``build_doorlichting`` + ``render_pdf``) for the last full school year: one cold render and
--renders timed, the building of the context and the rendering apart.

    .venv/bin/python bench/doorlichting.py [--runs 20] [--renders 3] [--explain]

``--explain`` prints EXPLAIN (ANALYZE, BUFFERS) of the CLB page's figures queries.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import werkoverzicht  # noqa: E402 - after the path is set
from inprocess import migrate, setup_django, with_authenticator  # noqa: E402

DIRECTEUR = "bench-doorlichting-directeur@example.be"
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
WARM_UP = 3
# the platform's target (issue 10), and the CLB page's own
TARGET_RATIO = 0.5
TARGET_CLB_MS = 100.0


def _school_year_sql(day: str) -> str:
    """SQL for the school year ("2025-2026") of the date expression ``day``."""
    start = (
        f"(extract(year FROM {day})::int"
        f" - CASE WHEN extract(month FROM {day}) >= 9 THEN 0 ELSE 1 END)"
    )
    return f"{start}::text || '-' || ({start} + 1)::text"


def supplement(clb):
    """What the doorlichting reads on top of the werkoverzicht's region: once (the directeur,
    made last in the same transaction, marks it done). Returns the directeur."""
    from django.db import connection, transaction

    from accounts.models import Membership, User
    from accounts.roles import Role
    from dossier.core.models import Thema

    found = User.objects.filter(email=DIRECTEUR).first()
    if found is not None:
        return found
    print("Adding school years, supplement kinds, timelines, note themes and a directeur ...")
    started = time.perf_counter()
    local = "(created_at AT TIME ZONE 'Europe/Brussels')"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE signalen_signaal SET school_year = {_school_year_sql(local)}")  # noqa: S608
        cursor.execute(
            f"UPDATE consultatie_consultatie SET school_year = {_school_year_sql('date')}"  # noqa: S608
        )
        cursor.execute(
            "UPDATE signalen_aanvulling SET kind = "
            "(ARRAY['duiding', 'advies', 'afspraak', 'opmerking'])[1 + id % 4]"
        )
        cursor.execute(
            "UPDATE signalen_signaal SET closed_at = LEAST(now(), created_at + "
            "(5 + random() * 120) * interval '1 day') WHERE status = 'afgesloten'"
        )
        cursor.execute(
            "INSERT INTO signalen_gebeurtenis (signaal_id, kind, actor_id, from_status, "
            "to_status, automatic, old_title, old_text, note, created_at) "
            "SELECT id, 'created', author_id, '', 'nieuw', false, '', '', '', created_at "
            "FROM signalen_signaal "
            "UNION ALL SELECT id, 'status', author_id, 'nieuw', status, false, '', '', '', "
            "COALESCE(closed_at, LEAST(now(), created_at + interval '3 days')) "
            "FROM signalen_signaal WHERE status <> 'nieuw'"
        )
        themes = [
            Thema.objects.get_or_create(name=name, defaults={"position": 10 * position})[0].pk
            for position, name in enumerate(NOTE_THEMES)
        ]
        # 1-3 themes a note, the first few far more often than the last (random()^2)
        cursor.execute(
            "INSERT INTO consultatie_consultatie_themas "
            "(consultatie_id, thema_id, dossier_id, school_year) "
            "SELECT c.id, (%s::int[])[1 + floor(10 * random() ^ 2)::int], c.dossier_id, "
            "c.school_year FROM consultatie_consultatie c, generate_series(0, c.id %% 3) "
            "ON CONFLICT DO NOTHING",
            [themes],
        )
        directeur = User.objects.create_user(
            email=DIRECTEUR, notification_frequency=User.NotificationFrequency.NONE
        )
        Membership.objects.create(
            user=directeur,
            organisation=clb,
            role=Role.CLB_DIRECTEUR,
            start_date=datetime.date(2020, 9, 1),
            status="confirmed",
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  done in {time.perf_counter() - started:.1f} s")
    return directeur


def counts(clb, school_year: str) -> str:
    from accounts.models import Partnership
    from consultatie.models import Consultatie, ConsultatieThema
    from signalen.models import Aanvulling, Signaal

    ids = Partnership.objects.filter(partner=clb).values("school__dossier")
    signals = Signaal.objects.filter(dossier__in=ids, school_year=school_year)
    notes = Consultatie.objects.filter(dossier__in=ids, school_year=school_year)
    return (
        f"{signals.count()} signals, "
        f"{Aanvulling.objects.filter(signaal__in=signals).count()} supplements, "
        f"{notes.count()} notes with "
        f"{ConsultatieThema.objects.filter(consultatie__in=notes).count()} theme links"
    )


def measure(pages, runs: int) -> list[dict]:
    """Each page ``runs`` times, each request right after the floor as the same person."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    floor = "/bench/floor/"
    results = []
    for page in pages:
        for _ in range(WARM_UP):
            assert page["client"].get(floor).status_code == 200
            response = page["client"].get(page["url"])
            assert response.status_code == 200, (page["name"], response.status_code)
        with CaptureQueriesContext(connection) as captured:
            page["client"].get(page["url"])
        results.append({**page, "queries": len(captured), "times": [], "floor": []})
    for _ in range(runs):
        for result in results:
            client = result["client"]
            started = time.perf_counter()
            client.get(floor)
            result["floor"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            client.get(result["url"])
            result["times"].append((time.perf_counter() - started) * 1000)
    for result in results:
        result["median"] = statistics.median(result["times"])
        result["p95"] = sorted(result["times"])[int(0.95 * (len(result["times"]) - 1))]
        result["floor_median"] = statistics.median(result["floor"])
        result["ratio"] = result["floor_median"] / result["median"]
    return results


def time_pdf(name: str, make_report, build, variant: str, renders: int) -> dict:
    """One cold render, then ``renders`` more: the building of the context and the rendering
    apart (wall seconds), the pages, the size and the queries of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pypdf import PdfReader

    from dossier.rapporten.pdf import render_pdf

    def once():
        report = make_report()
        started = time.perf_counter()
        template, context = build(report)
        built = time.perf_counter()
        pdf = render_pdf(template, context, pdf_variant=variant)
        return built - started, time.perf_counter() - built, pdf

    with CaptureQueriesContext(connection) as captured:
        build_s, render_s, pdf = once()
    print(f"{name}: cold {build_s + render_s:.2f} s (build {build_s:.2f}, render {render_s:.2f})")
    builds, totals, cpu = [], [], []
    for _ in range(renders):
        cpu_started = time.process_time()
        build_s, render_s, pdf = once()
        cpu.append(time.process_time() - cpu_started)
        builds.append(build_s)
        totals.append(build_s + render_s)
    return {
        "name": name,
        "median": statistics.median(totals),
        "build": statistics.median(builds),
        "cpu": statistics.median(cpu),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "kib": len(pdf) / 1024,
        "queries": len(captured),
    }


def explain(clb, school_year: str) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of every query of the CLB's figures that takes 2 ms or more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dossier.rapporten.doorlichting import clb_tables

    with CaptureQueriesContext(connection) as captured:
        clb_tables(clb, school_year)
    for query in captured.captured_queries:
        ms = float(query["time"]) * 1000
        print(f"\n--- {ms:.1f} ms: {query['sql'][:160]} ...")
        if ms < 2:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            print("\n".join(row[0] for row in cursor.fetchall()))


def flat(clb, school_year: str) -> tuple[int, int]:
    """The queries of the CLB's figures for one of its schools and for all of them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dossier.core.registry import registry
    from dossier.rapporten.doorlichting import served_schools

    schools = served_schools(clb, school_year)
    windows = {school.dossier_id: (school.first, school.last) for school in schools}
    found = []
    for chosen in (dict(list(windows.items())[:1]), windows):
        with CaptureQueriesContext(connection) as captured:
            for part in registry.doorlichting_parts_for():
                part.figures(chosen, school_year)
        found.append(len(captured))
    return found[0], found[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="requests a page (default 20)")
    parser.add_argument("--renders", type=int, default=3, help="timed PDFs of each (default 3)")
    parser.add_argument("--explain", action="store_true", help="plans of the CLB's figures")
    args = parser.parse_args()
    args.renders = max(args.renders, 1)
    setup_django(werkoverzicht.DEFAULT_DATABASE_URL)
    migrate()

    from django.conf import settings

    if settings.DEBUG:
        print("DEBUG is on: measure with DEBUG off.", file=sys.stderr)
        return 2
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Organisation, Partnership
    from bench import settings as bench_settings
    from dossier.rapporten.doorlichting import (
        DOORLICHTING,
        DOORLICHTING_CLB,
        build_clb,
        build_doorlichting,
    )
    from dossier.rapporten.models import Report
    from samenwerking.schoolyear import school_year_of

    medewerker = werkoverzicht.build()
    with_authenticator(medewerker)
    clb = Organisation.objects.get(name=werkoverzicht.BENCH_CLB)
    directeur = supplement(clb)
    with_authenticator(directeur)
    today = timezone.localdate()
    current = school_year_of(today)
    past = school_year_of(today.replace(year=today.year - 1))
    school = (
        Partnership.objects.filter(partner=clb).select_related("school").order_by("school__name")
    )[0].school
    dossier = school.dossier
    print(
        f"Database {connection.settings_dict['NAME']}; load {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs; {clb.name}, {Partnership.objects.filter(partner=clb).count()} "
        f"schools"
    )
    for year in (current, past):
        print(f"  {year}: {counts(clb, year)}")
    one, all_schools = flat(clb, past)
    print(f"queries of the parts' figures: {one} for 1 school, {all_schools} for all")
    if args.explain:
        explain(clb, past)

    clb_url = reverse("rapporten:clb_doorlichting", kwargs={"organisation_id": clb.pk})
    school_url = reverse("rapporten:doorlichting", kwargs={"pk": dossier.pk})
    csv_url = reverse(
        "rapporten:clb_doorlichting_csv", kwargs={"organisation_id": clb.pk, "part": "signalen"}
    )
    with override_settings(ROOT_URLCONF="bench.urls", TEMPLATES=bench_settings.TEMPLATES):
        as_directeur, as_medewerker = Client(), Client()
        as_directeur.force_login(directeur)
        as_medewerker.force_login(medewerker)
        pages = [
            {
                "name": f"CLB page {current}",
                "client": as_directeur,
                "url": f"{clb_url}?schooljaar={current}",
            },
            {
                "name": f"CLB page {past}",
                "client": as_directeur,
                "url": f"{clb_url}?schooljaar={past}",
            },
            {
                "name": f"CLB signals CSV {past}",
                "client": as_directeur,
                "url": f"{csv_url}?schooljaar={past}",
            },
            {
                "name": f"school page {current}",
                "client": as_medewerker,
                "url": f"{school_url}?schooljaar={current}",
            },
            {
                "name": f"school page {past}",
                "client": as_medewerker,
                "url": f"{school_url}?schooljaar={past}",
            },
        ]
        results = measure(pages, args.runs)
    print()
    print(f"{'page':30} {'queries':>7} {'median ms':>9} {'p95 ms':>7} {'floor ms':>8} {'ratio':>6}")
    for result in results:
        print(
            f"{result['name']:30} {result['queries']:7d} {result['median']:9.1f} "
            f"{result['p95']:7.1f} {result['floor_median']:8.1f} {result['ratio']:6.2f}"
        )
    print()
    pdfs = [
        time_pdf(
            f"CLB PDF {past}",
            lambda: Report(
                organisation=clb,
                kind=DOORLICHTING_CLB.key,
                school_year=past,
                requested_by=directeur,
            ),
            build_clb,
            DOORLICHTING_CLB.pdf_variant,
            args.renders,
        ),
        time_pdf(
            f"school PDF {past}",
            lambda: Report(
                dossier=dossier, kind=DOORLICHTING.key, school_year=past, requested_by=medewerker
            ),
            build_doorlichting,
            DOORLICHTING.pdf_variant,
            args.renders,
        ),
    ]
    print(f"{'PDF':30} {'queries':>7} {'median s':>9} {'build s':>8} {'CPU s':>6} pages   KiB")
    for pdf in pdfs:
        print(
            f"{pdf['name']:30} {pdf['queries']:7d} {pdf['median']:9.2f} {pdf['build']:8.3f} "
            f"{pdf['cpu']:6.2f} {pdf['pages']:5d} {pdf['kib']:5.0f}"
        )
    print(f"load {os.getloadavg()[0]:.1f} at the end")
    clb_pages = [result for result in results if result["name"].startswith("CLB page")]
    print()
    print(
        f"CLB page queries: {', '.join(str(r['queries']) for r in clb_pages)} "
        f"(figures {one} for 1 school, {all_schools} for {len(dossier_ids(clb))})"
    )
    for result in clb_pages:
        verdicts = [
            "ratio " + ("meets" if result["ratio"] >= TARGET_RATIO else "misses") + " 0.5",
            ("under" if result["median"] <= TARGET_CLB_MS else "over") + " 100 ms",
        ]
        print(f"{result['name']}: {', '.join(verdicts)}")
    return 0


def dossier_ids(clb) -> list[int]:
    from accounts.models import Partnership

    return list(Partnership.objects.filter(partner=clb).values_list("school__dossier", flat=True))


if __name__ == "__main__":
    sys.exit(main())
