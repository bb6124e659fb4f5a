"""Every page of the product under load, against a region the size of Flanders: one command.

    .venv/bin/python bench/run.py                     # build the region once (kept), then measure
    .venv/bin/python bench/run.py --scale 0.05        # a small region (its own database)
    .venv/bin/python bench/run.py --pages signal,zoek --duration 5
    .venv/bin/python bench/run.py --rebuild           # drop the database and build it again

What it does:

1. Creates (or finds) its database: DATABASE_URL, default samenwerking_bench_region (scale 1)
   or samenwerking_bench_region_s<scale> (other scales); refuses a name without "bench".
   Migrates, fills the region with COPY (bench/region.py) and marks it built; later runs skip
   the fill.
2. Counts the queries of every page in-process (Django's test client as the same persona,
   CaptureQueriesContext).
3. Starts gunicorn (4 workers, production settings through bench.settings) on a free port of
   127.0.0.1, with Redis (REDIS_URL, default db 15) for cache and sessions.
4. Logs the personas in for real (password, then the TOTP code of their known secret).
5. Per page: locust headless with --users connections for --duration seconds; the floor page
   (logged in, extends base.html, nothing else) runs between the pages. Then each page once
   more over one connection, for its service time.
6. Prints per page: queries, p50 and p95 under load, requests a second, the ratio to the floor,
   and the one-connection p50. Exit status 0 when every page answered 200.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import bench_search  # noqa: E402 - after the path is set
import region  # noqa: E402

VENV_BIN = Path(sys.executable).parent
TARGET_RATIO = 0.5
TARGET_MS = 50.0
TARGET_SEARCH_MS = 80.0


@dataclass
class Page:
    name: str
    persona: str
    path: str
    headers: dict = field(default_factory=dict)
    queries: int | None = None  # rendered (a miss of the page cache, or with it off)
    hit_queries: int | None = None  # served from the page cache
    status: int | None = None
    p50: float | None = None
    p95: float | None = None
    rps: float | None = None
    failures: int = 0
    ratio: float | None = None
    single_p50: float | None = None

    @property
    def is_floor(self) -> bool:
        return self.name == "floor"


def htmx(target: str) -> dict:
    return {"HX-Request": "true", "HX-Target": target}


# --- the environment and the database ----------------------------------------------------------


def database_url(scale: float) -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    name = "samenwerking_bench_region"
    if scale != 1.0:
        name += "_s" + f"{scale:g}".replace(".", "_")
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def prepare_environment(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ.setdefault("CACHE_KEY_PREFIX", "bench")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"


def drop_database(url: str) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    if "bench" not in config["NAME"]:
        raise SystemExit(f"Refusing to drop {config['NAME']!r}: use a database named *bench*.")
    with psycopg.connect(
        dbname="postgres",
        autocommit=True,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
    ) as conn:
        print(f"Dropping database {config['NAME']}")
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(config["NAME"])
            )
        )


def ensure_region(scale: float) -> str:
    """Migrate and fill when needed; returns a line that says what the database holds."""
    bench_search.migrate()
    found = region.built_scale()
    if found is not None:
        built, seconds, built_at = found
        if abs(built - scale) > 1e-9:
            raise SystemExit(
                f"This database holds a region of scale {built:g}, not {scale:g}: run with "
                "--rebuild, or point DATABASE_URL at another *bench* database."
            )
        return (
            f"region of scale {built:g} found (built {built_at:%d/%m/%Y %H:%M} in {seconds:.0f} s)"
        )
    print(f"Building the region at scale {scale:g}: {region.describe(scale)}")
    started = time.perf_counter()
    region.build(scale)
    seconds = time.perf_counter() - started
    region.mark_built(scale, seconds)
    print(f"Region built in {seconds:.0f} s")
    return f"region of scale {scale:g} built in {seconds:.0f} s"


def collect_static() -> None:
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        print("Collecting static files (the manifest storage needs them with DEBUG off) ...")
        call_command("collectstatic", interactive=False, verbosity=0)


# --- the pages -------------------------------------------------------------------------------


def persona_users() -> dict:
    from accounts.models import User

    return {key: User.objects.get(email=email) for key, email in region.PERSONAS.items()}


def the_pages(users) -> list[Page]:
    """Every list, detail, search, overview and partial page, each as a persona who sees it."""
    from consultatie.models import Consultatie
    from dossier.afspraken.models import Samenwerkingsafspraak
    from dossier.core.models import Dossier
    from dossier.documenten.models import Document
    from dossier.overleg.models import StructureelOverleg
    from signalen.models import Signaal

    # the first school: served by the bench CLB and the bench LSC, led by the bench directie
    dossier = Dossier.objects.order_by("pk").first()
    d = dossier.pk
    signal = Signaal.objects.filter(dossier=dossier).order_by("-last_activity_at").first()
    note = Consultatie.objects.filter(dossier=dossier).order_by("-date", "-pk").first()
    theme = note.themas.order_by("pk").first()
    document = Document.objects.filter(dossier=dossier, for_clb=True, for_lsc=True).first()
    agreement = Samenwerkingsafspraak.objects.filter(dossier=dossier).order_by("pk").first()
    meeting = StructureelOverleg.objects.filter(dossier=dossier).order_by("-date").first()
    base = f"/dossiers/{d}"
    return [
        Page("Mijn dossiers", "clb", "/"),
        Page("Mijn dossiers: search (partial)", "clb", "/?q=Regenboog", htmx("dossier-results")),
        Page("dossier overview", "clb", f"{base}/"),
        Page("signals of a dossier", "clb", f"{base}/signalen/"),
        Page(
            "signals of a dossier (partial)",
            "clb",
            f"{base}/signalen/?page=2",
            htmx("signal-results"),
        ),
        Page("signals of my schools", "clb", "/signalen/"),
        Page("signals of my schools (partial)", "clb", "/signalen/?page=2", htmx("signal-results")),
        Page("signal detail", "clb", f"{base}/signalen/{signal.pk}/"),
        Page("consultation notes", "clb", f"{base}/consultaties/"),
        Page(
            "consultation notes (partial)",
            "clb",
            f"{base}/consultaties/?page=2",
            htmx("note-results"),
        ),
        Page("consultation note detail", "clb", f"{base}/consultaties/{note.pk}/"),
        Page(
            "earlier advice (partial)",
            "clb",
            f"{base}/consultaties/eerder/?themas={theme.pk}&label={note.label.split()[-1]}",
            htmx("earlier-advice"),
        ),
        Page("search, common word", "clb", "/zoeken/?q=leerling"),
        Page("themes of a dossier", "clb", f"{base}/consultaties/themas/"),
        Page("themes of my schools", "clb", "/consultaties/themas/"),
        Page("documents", "clb", f"{base}/documenten/"),
        Page("document detail", "clb", f"{base}/documenten/{document.pk}/"),
        Page("agreements", "clb", f"{base}/afspraken/"),
        Page("agreement detail", "clb", f"{base}/afspraken/{agreement.pk}/"),
        Page("meetings", "clb", f"{base}/overleg/"),
        Page("meeting detail", "clb", f"{base}/overleg/{meeting.pk}/"),
        Page("reports", "clb", f"{base}/rapporten/"),
        Page("notifications", "clb", "/meldingen/"),
        Page("dossier overview (directie)", "directie", f"{base}/"),
        Page("audit log (directie)", "directie", f"{base}/auditlog/"),
        Page("toegangsbeheer (directie)", "directie", f"{base}/toegang/"),
        Page("Mijn dossiers (LSC)", "lsc", "/"),
        Page("dossier overview (LSC)", "lsc", f"{base}/"),
        Page("documents (LSC)", "lsc", f"{base}/documenten/"),
        Page("agreements (LSC)", "lsc", f"{base}/afspraken/"),
    ]


def count_queries(pages: list[Page], users) -> None:
    """Each page in-process as its persona: its status and its query count when rendered,
    and again when served from the page cache (dossier.core.pagecache), if it is on."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    clients = {}
    for key, user in users.items():
        clients[key] = Client()
        clients[key].force_login(user)
    cache_on = settings.PAGE_CACHE_SECONDS
    for page in pages:
        client = clients[page.persona]
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in page.headers.items()}
        with override_settings(PAGE_CACHE_SECONDS=0):
            client.get(page.path, **headers)  # warm: the first request of a process does more
            with CaptureQueriesContext(connection) as captured:
                response = client.get(page.path, **headers)
        page.queries = len(captured)
        page.status = response.status_code
        if cache_on:
            client.get(page.path, **headers)  # rendered and stored
            with CaptureQueriesContext(connection) as captured:
                response = client.get(page.path, **headers)
            if response.get("X-Page-Cache") == "hit":
                page.hit_queries = len(captured)


# --- gunicorn and the logins -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int, log_path: Path) -> subprocess.Popen:
    log = open(log_path, "w")  # noqa: SIM115 - lives as long as the server
    process = subprocess.Popen(  # noqa: S603 - our own virtualenv's gunicorn
        [
            str(VENV_BIN / "gunicorn"),
            "samenwerking.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            # import once, then fork: four workers importing at once on a busy 2-CPU machine
            # outlived the default 30-second boot timeout
            "--preload",
            "--timeout",
            "120",
            "--error-logfile",
            "-",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    import requests

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped; see {log_path}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/health/", timeout=2).status_code == 200:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.5)
    stop(process)
    raise SystemExit(f"gunicorn did not answer within 180 s; see {log_path}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def totp_code() -> str:
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(region.PERSONA_TOTP_SECRET, counter))


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise SystemExit("No CSRF token on the login page")
    return match.group(1)


def log_in(base_url: str, email: str):
    """A real login: the allauth form, then the TOTP step. Returns the requests session."""
    import requests

    session = requests.Session()
    login_url = f"{base_url}/account/login/"
    form = session.get(login_url, timeout=30)
    response = session.post(
        login_url,
        data={
            "csrfmiddlewaretoken": csrf_of(form.text),
            "login": email,
            "password": region.PERSONA_PASSWORD,
        },
        headers={"Referer": login_url},
        timeout=30,
    )
    if "/2fa/authenticate/" not in response.url:
        raise SystemExit(f"{email}: the login did not ask for the second factor ({response.url})")
    mfa_url = response.url
    for _attempt in range(3):
        response = session.post(
            mfa_url,
            data={"csrfmiddlewaretoken": csrf_of(response.text), "code": totp_code()},
            headers={"Referer": mfa_url},
            timeout=30,
        )
        if "/2fa/" not in response.url:
            break
        # a code used moments ago (an earlier run) is refused: wait for the next one
        time.sleep(31 - time.time() % 30)
        response = session.get(mfa_url, timeout=30)
    home = session.get(f"{base_url}/", allow_redirects=False, timeout=30)
    if home.status_code != 200:
        raise SystemExit(f"{email}: logged in, but / answers {home.status_code}")
    return session


# --- load --------------------------------------------------------------------------------------


def run_locust(base_url: str, page: Page, cookie: str, *, users: int, duration: int):
    done = subprocess.run(  # noqa: S603 - our own virtualenv's locust
        [
            str(VENV_BIN / "locust"),
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            "--only-summary",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{duration}s",
            "--host",
            base_url,
            "--loglevel",
            "ERROR",
        ],
        env={
            **os.environ,
            "BENCH_PATH": page.path,
            "BENCH_COOKIE": cookie,
            "BENCH_HEADERS": json.dumps(page.headers),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    # The summary locust prints at the end; its CSV files were sometimes written empty here.
    lines = [line.split() for line in done.stderr.splitlines() if line.startswith("GET ")]
    if len(lines) < 2:
        raise SystemExit(f"locust gave no figures for {page.name}:\n{done.stderr[-3000:]}")
    stats, percentiles = lines[0], lines[1]
    # GET page <reqs> <fails>(<pct>%) | <avg> <min> <max> <med> | <req/s> <failures/s>
    page.failures += int(stats[3].split("(")[0])
    page.rps = float(stats[-2])
    # GET page <50%> <66%> <75%> <80%> <90%> <95%> ...
    page.p50 = float(percentiles[2])
    page.p95 = float(percentiles[7])
    # gunicorn still works through the requests it had accepted when locust stopped; let it
    # finish them, or the next run (the floor) would share the CPU with a slow page
    drain(base_url, max_seconds=min(30.0, 2 * page.p95 / 1000))


def drain(base_url: str, *, max_seconds: float) -> None:
    """Wait until /health/ answers quickly again (or ``max_seconds`` pass)."""
    import requests

    deadline = time.monotonic() + max_seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        with contextlib.suppress(requests.RequestException):
            requests.get(f"{base_url}/health/", timeout=max_seconds)
        if time.perf_counter() - started < 0.1:
            return
        time.sleep(0.2)


def one_connection(base_url: str, page: Page, session, runs: int) -> None:
    times = []
    for run in range(runs + 2):
        started = time.perf_counter()
        response = session.get(
            base_url + page.path, headers=page.headers, allow_redirects=False, timeout=60
        )
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            page.failures += 1
        if run >= 2:
            times.append(elapsed)
    page.single_p50 = statistics.median(times)


# --- output ------------------------------------------------------------------------------------


def table(pages: list[Page], floors: list[Page]) -> str:
    def fmt(value, spec):
        return "-" if value is None else format(value, spec)

    width = max(len(p.name) for p in pages) + 1
    lines = [
        f"{'page':{width}} {'queries':>7} {'p50 ms':>7} {'p95 ms':>7} {'req/s':>7} "
        f"{'ratio':>6} {'1-conn p50':>10}  notes",
    ]
    for page in pages:
        notes = []
        if page.status != 200:
            notes.append(f"HTTP {page.status} in-process")
        if page.failures:
            notes.append(f"{page.failures} failed")
        limit = TARGET_SEARCH_MS if page.path.startswith("/zoeken/") else TARGET_MS
        if page.ratio is not None and page.ratio < TARGET_RATIO:
            notes.append(f"ratio < {TARGET_RATIO}")
        if page.single_p50 is not None and page.single_p50 > limit:
            notes.append(f"> {limit:.0f} ms")
        queries = fmt(page.queries, "d")
        if page.hit_queries is not None:
            queries += f"/{page.hit_queries}"
        lines.append(
            f"{page.name:{width}} {queries:>7} {fmt(page.p50, '7.0f')} "
            f"{fmt(page.p95, '7.0f')} {fmt(page.rps, '7.1f')} {fmt(page.ratio, '6.2f')} "
            f"{fmt(page.single_p50, '10.1f')}  {', '.join(notes)}"
        )
    rates = [f.rps for f in floors if f.rps]
    if rates:
        lines.append(
            f"{'floor (' + str(len(rates)) + ' runs)':{width}} {fmt(floors[0].queries, '7d')} "
            f"{statistics.median(f.p50 for f in floors):7.0f} "
            f"{statistics.median(f.p95 for f in floors):7.0f} {statistics.median(rates):7.1f} "
            f"{1.0:6.2f} {fmt(floors[0].single_p50, '10.1f')}  "
            f"req/s from {min(rates):.1f} to {max(rates):.1f}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = Flanders (default)")
    parser.add_argument("--rebuild", action="store_true", help="drop the database, build again")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load a page")
    parser.add_argument("--users", type=int, default=20, help="concurrent connections")
    parser.add_argument("--pages", default="", help="only pages whose name contains one of these")
    parser.add_argument("--runs", type=int, default=20, help="one-connection requests a page")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--build-only", action="store_true", help="build the region and stop")
    parser.add_argument(
        "--queries-only", action="store_true", help="count the queries of each page, no load"
    )
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="render every request (PAGE_CACHE_SECONDS=0): what a page costs the first time",
    )
    args = parser.parse_args()
    if args.no_page_cache:
        os.environ["PAGE_CACHE_SECONDS"] = "0"  # in-process and in gunicorn's workers

    url = database_url(args.scale)
    if args.rebuild:
        drop_database(url)
    prepare_environment(url)
    bench_search.ensure_database(url)
    import django

    django.setup()
    held = ensure_region(args.scale)
    if args.build_only:
        print(held)
        return 0
    collect_static()

    users = persona_users()
    pages = the_pages(users)
    if args.pages:
        wanted = [w.strip().lower() for w in args.pages.split(",") if w.strip()]
        pages = [p for p in pages if any(w in p.name.lower() for w in wanted)]
        if not pages:
            raise SystemExit(f"No page name contains any of {wanted} (the names are in English).")
    floor_template = Page("floor", "clb", "/bench/floor/")
    print(f"Counting queries of {len(pages)} pages in-process ...")
    count_queries([floor_template, *pages], users)
    if args.queries_only:
        for page in [floor_template, *pages]:
            hit = "" if page.hit_queries is None else f" ({page.hit_queries} when served)"
            print(
                f"  {page.name:40} HTTP {page.status}  {page.queries:3d} queries{hit}  {page.path}"
            )
        return 0 if all(p.status == 200 for p in pages) else 1

    from django.db import close_old_connections

    close_old_connections()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    workdir = tempfile.mkdtemp(prefix="bench-run-")
    log_path = Path(workdir) / "gunicorn.log"
    print(f"Starting gunicorn ({args.workers} workers) on {base_url} (log: {log_path})")
    server = start_gunicorn(port, args.workers, log_path)
    load_before = os.getloadavg()[0]
    floors: list[Page] = []
    try:
        sessions = {key: log_in(base_url, user.email) for key, user in users.items()}
        cookies = {
            key: f"sessionid={session.cookies.get('sessionid')}"
            for key, session in sessions.items()
        }
        print(
            f"Logged in {', '.join(sessions)}; {len(pages)} pages, {args.users} connections, "
            f"{args.duration} s each, the floor between them"
        )

        # one connection first: the service time, and every worker warm before the load
        print(f"One connection, {args.runs} requests a page ...")
        floor_template.failures = 0
        one_connection(base_url, floor_template, sessions["clb"], args.runs)
        for page in pages:
            one_connection(base_url, page, sessions[page.persona], args.runs)

        def measure_floor():
            floor = Page("floor", "clb", floor_template.path, queries=floor_template.queries)
            floor.status = floor_template.status
            floor.single_p50 = floor_template.single_p50
            run_locust(base_url, floor, cookies["clb"], users=args.users, duration=args.duration)
            floors.append(floor)
            return floor

        before = measure_floor()
        for page in pages:
            run_locust(
                base_url, page, cookies[page.persona], users=args.users, duration=args.duration
            )
            after = measure_floor()
            rate = statistics.mean([before.rps, after.rps])
            page.ratio = page.rps / rate if rate else None
            print(
                f"  {page.name:40} {page.rps:7.1f} req/s  p95 {page.p95:5.0f} ms  "
                f"ratio {page.ratio:.2f}  (floor {before.rps:.1f} / {after.rps:.1f})"
            )
            before = after
    finally:
        stop(server)
    load_after = os.getloadavg()[0]

    print()
    print(
        f"{held}; {region.describe(args.scale)}; {args.users} connections, {args.duration} s a "
        f"page, gunicorn {args.workers} workers, page cache "
        f"{'off' if args.no_page_cache else 'on'}; load {load_before:.1f} -> {load_after:.1f} on "
        f"{os.cpu_count()} CPUs; {time.strftime('%d/%m/%Y %H:%M UTC', time.gmtime())}"
    )
    print(table(pages, floors))
    print(
        "queries: rendered/served from the page cache; "
        f"ratio: the page's req/s over the mean of the floor runs before and after it (target "
        f">= {TARGET_RATIO}); 1-conn p50 target < {TARGET_MS:.0f} ms (search "
        f"< {TARGET_SEARCH_MS:.0f} ms)"
    )
    broken = [p for p in pages if p.status != 200 or p.failures]
    for page in broken:
        print(f"NOT OK: {page.name} ({page.path}): HTTP {page.status}, {page.failures} failures")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
