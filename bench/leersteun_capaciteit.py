"""How long does an LSC's capacity page take with 120 schools and 6,000 questions? (target: 100 ms)

Not a test: a standalone timing. It uses the test settings (DEBUG off) against its own
database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/samenwerking_bench_leersteun;
the name must contain "bench"), creates the database and its schema when needed, and once: an
LSC with 120 partner schools, a coördinator, 40 ondersteuners with their hours per week, 30
clusters and 6,000 leersteunvragen across every status (bulk inserts). It then asks the capacity
page, the LSC's question list and the leersteunraad's figures through Django's test client as the
coördinator: warm-up requests first, then the median and p95 of --runs requests, and the
queries of one request.

    .venv/bin/python bench/leersteun_capaciteit.py [--runs 30] [--rebuild]
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inprocess import migrate, setup_django, with_authenticator  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/samenwerking_bench_leersteun"
TARGET_MS = 100.0
SCHOOLS = 120
QUESTIONS = 6000
ONDERSTEUNERS = 40
CLUSTERS = 30
LSC_NAME = "Leersteuncentrum Capaciteit (bench)"
COORDINATOR_EMAIL = "bench-capaciteit-coordinator@example.be"
WARM_UP = 5


def build(*, rebuild: bool = False):
    """The LSC, its schools, people and questions: made once, found again on later runs."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Organisation, User
    from accounts.roles import Role
    from accounts.services import (
        membership_confirm,
        membership_create,
        organisation_create,
        partnership_create,
    )
    from leersteun.models import Capaciteit, Cluster, Leersteunvraag
    from leersteun.workflow import Status
    from samenwerking.schoolyear import school_year_of

    lsc = Organisation.objects.filter(name=LSC_NAME).first()
    if lsc is not None and not rebuild:
        return lsc, User.objects.get(email=COORDINATOR_EMAIL)
    if lsc is not None:
        raise SystemExit("--rebuild: drop the bench database first (DROP DATABASE ...).")
    print(
        f"Creating an LSC with {SCHOOLS} schools, {ONDERSTEUNERS} ondersteuners and "
        f"{QUESTIONS} questions ..."
    )
    started = time.perf_counter()
    rng = random.Random(12)
    long_ago = datetime.date(2020, 9, 1)
    now = timezone.now()
    year = school_year_of(timezone.localdate())
    with transaction.atomic():
        lsc = organisation_create(kind="lsc", name=LSC_NAME)
        admin = User.objects.create_user(
            email="bench-capaciteit-beheer@example.be",
            first_name="Bea",
            last_name="Beheer",
            is_staff=True,
            notification_frequency=User.NotificationFrequency.NONE,
        )

        def member(email, role):
            person = User.objects.create_user(
                email=email,
                first_name="Bench",
                last_name=email.split("@")[0],
                notification_frequency=User.NotificationFrequency.NONE,
            )
            membership = membership_create(
                user=person, organisation=lsc, role=role, start_date=long_ago
            )
            if membership.is_pending:
                membership_confirm(membership=membership, actor=admin)
            return person

        coordinator = member(COORDINATOR_EMAIL, Role.LSC_COORDINATOR)
        ondersteuners = [
            member(f"bench-capaciteit-ond-{i:02d}@example.be", Role.LSC_ONDERSTEUNER)
            for i in range(ONDERSTEUNERS)
        ]
        Capaciteit.objects.bulk_create(
            Capaciteit(lsc=lsc, ondersteuner=person, hours_per_week=Decimal(8 + (i % 5) * 4))
            for i, person in enumerate(ondersteuners)
        )
        dossiers = []
        for index in range(SCHOOLS):
            school = organisation_create(
                kind="school",
                name=f"School Capaciteit {index + 1:03d}",
                instellingsnummer=f"{960000 + index}",
                city="Brugge",
            )
            partnership_create(school=school, partner=lsc, start_date=long_ago)
            dossiers.append(school.dossier)
        clusters = Cluster.objects.bulk_create(
            Cluster(
                lsc=lsc,
                title=f"Cluster {i + 1}",
                approach=Cluster.Approach.LEERKRACHT if i % 2 else Cluster.Approach.SCHOOLTEAM,
                ondersteuner=ondersteuners[i % ONDERSTEUNERS],
                estimated_hours=Decimal(2 + i % 4),
                created_by=coordinator,
            )
            for i in range(CLUSTERS)
        )
        # about a third runs, a sixth waits, the rest is new, screened, paused or closed
        statuses = (
            [Status.OPGESTART] * 6
            + [Status.WACHTLIJST] * 3
            + [Status.AANGEMELD, Status.IN_SCREENING, Status.ON_HOLD]
            + [Status.AFGEROND] * 4
            + [Status.NIET_OPGESTART] * 2
        )
        rows = []
        for i in range(QUESTIONS):
            status = statuses[i % len(statuses)]
            running = status == Status.OPGESTART
            clustered = running and i % 9 == 0
            rows.append(
                Leersteunvraag(
                    dossier=dossiers[i % SCHOOLS],
                    lsc=lsc,
                    school_year=year,
                    level=Leersteunvraag.Level.values[i % 3],
                    owner=Leersteunvraag.Owner.ZORGCOORDINATOR,
                    label=f"Vraag {i + 1}",
                    leervraag="Hoe ondersteunen we deze klas beter?",
                    status=status,
                    priority=["hoog", "normaal", "laag", ""][i % 4],
                    ondersteuner=(
                        ondersteuners[rng.randrange(ONDERSTEUNERS)]
                        if status in (Status.OPGESTART, Status.ON_HOLD)
                        else None
                    ),
                    estimated_hours=Decimal(rng.randrange(1, 8)) / 2 if running else None,
                    cluster=clusters[i % CLUSTERS] if clustered else None,
                    registered_by=coordinator,
                    registered_side="school",
                    status_changed_at=now - datetime.timedelta(days=rng.randrange(1, 300)),
                    waiting_since=(
                        now - datetime.timedelta(days=rng.randrange(1, 200))
                        if status == Status.WACHTLIJST
                        else None
                    ),
                )
            )
        Leersteunvraag.objects.bulk_create(rows, batch_size=1000)
    from django.db import connection

    with connection.cursor() as cursor:
        # the planner's statistics, as autovacuum keeps them on a live database
        cursor.execute("ANALYZE")
    print(f"Built in {time.perf_counter() - started:.1f} s.")
    return lsc, coordinator


def measure(client, url: str, runs: int) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        response = client.get(url)
    status = response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)], queries, status


def question_list_url(lsc) -> str | None:
    from django.urls import NoReverseMatch, reverse

    for name in ("leersteun:lsc_vragen", "leersteun:vragen_lsc"):
        try:
            return reverse(name, kwargs={"lsc_pk": lsc.pk})
        except NoReverseMatch:
            continue
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    setup_django(DEFAULT_DATABASE_URL)
    migrate()
    from django.test import Client
    from django.urls import reverse

    lsc, coordinator = build(rebuild=args.rebuild)
    with_authenticator(coordinator)
    client = Client()
    client.force_login(coordinator)
    pages = [("capacity page", reverse("leersteun:capaciteit", kwargs={"lsc_pk": lsc.pk}))]
    listing = question_list_url(lsc)
    if listing:
        pages.append(("question list", listing))
    else:
        print("question list: no such page yet (skipped)")
    # the leersteunraad's figures: the same region, seen by its coördinator
    pages.append(
        ("leersteunraad figures", reverse("leersteun:raad_cijfers", kwargs={"lsc_pk": lsc.pk}))
    )
    missed = False
    for label, url in pages:
        median, p95, queries, status = measure(client, url, args.runs)
        met = median < TARGET_MS and status == 200
        missed |= not met
        print(
            f"{label} ({SCHOOLS} schools, {QUESTIONS} questions): HTTP {status}, median "
            f"{median:.1f} ms, p95 {p95:.1f} ms over {args.runs} requests, {queries} queries; "
            f"target {TARGET_MS:.0f} ms: {'met' if met else 'MISSED'}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
