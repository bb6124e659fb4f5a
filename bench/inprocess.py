"""What the in-process benchmarks share: Django on the test settings against a bench database,
its schema, and the authenticator app partner staff must have."""

from __future__ import annotations

import os


def setup_django(default_database_url: str) -> None:
    """Django with the test settings (DEBUG off) on DATABASE_URL, or on the default; the name
    must contain "bench", and the database is created when it is missing."""
    os.environ.setdefault("DATABASE_URL", default_database_url)
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "samenwerking.settings.test"
    import dj_database_url

    if "bench" not in dj_database_url.parse(os.environ["DATABASE_URL"])["NAME"]:
        raise SystemExit("Use a database whose name contains 'bench'.")
    from bench_signalenoverzicht import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, the locmem mailbox


def migrate() -> None:
    from bench_signalenoverzicht import migrate as migrate_bench

    migrate_bench()


def with_authenticator(user) -> None:
    """Partner staff must use MFA: the person has an authenticator app."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}}
    )


def time_renders(render, *, dossier, renders: int, keep: str, target_seconds: float, counted: str):
    """Time a report kind's PDF: one cold render (its queries counted), then ``renders`` more;
    print the median and worst (wall and CPU), the load, pages and size, the queries and how
    much memory grew; remove the reports and their files afterwards. ``render()`` returns
    ``(seconds, cpu seconds, report)``. Returns the exit status: 1 when the median misses
    ``target_seconds``."""
    import shutil
    import statistics
    import sys
    from pathlib import Path

    from bench_signalenoverzicht import page_count
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from dossier.rapporten.models import Report
    from tests.memory import malloc_in_use_mib, resident_mib

    try:
        with CaptureQueriesContext(connection) as queries:
            seconds, cpu, report = render()
        print(f"first render (cold: imports, fonts, templates): {seconds:.2f} s, CPU {cpu:.2f} s")
        resident, in_use = resident_mib(), malloc_in_use_mib()
        times, cpu_times = [], []
        for run in range(1, renders + 1):
            seconds, cpu, report = render()
            times.append(seconds)
            cpu_times.append(cpu)
            print(f"render {run}: {seconds:.2f} s (CPU {cpu:.2f} s)")
        if keep:
            with report.file.open("rb") as source:
                Path(keep).write_bytes(source.read())
        grown = resident_mib() - resident
        malloc_grown = None if in_use is None else malloc_in_use_mib() - in_use
        median, worst = statistics.median(times), max(times)
        print()
        print(f"median {median:.2f} s (CPU {statistics.median(cpu_times):.2f} s)")
        print(f"max    {worst:.2f} s (CPU {max(cpu_times):.2f} s)")
        print(f"load   {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (1-minute average)")
        print(f"pages  {page_count(report.file.path)}, size {report.size / 1024:.0f} KiB")
        print(f"queries {len(queries)} for one report ({counted})")
        print(
            f"memory resident {grown:+.2f} MiB over {renders} renders"
            + ("" if malloc_grown is None else f", malloc in use {malloc_grown:+.2f} MiB")
        )
        verdict = "meets" if median <= target_seconds else "MISSES"
        print(f"target {target_seconds:.0f} s: {verdict} the target (median)")
        return 0 if median <= target_seconds else 1
    finally:
        for made in Report.objects.filter(dossier=dossier):
            made.file.delete(save=False)
        Report.objects.filter(dossier=dossier).delete()
        media = Path(settings.MEDIA_ROOT)
        if media.name.startswith("bench-reports-"):
            shutil.rmtree(media, ignore_errors=True)
