"""How long does the ankerpersoon's overview of 40 partner schools take? (target: 100 ms)

Not a test: a standalone timing. It uses the test settings (DEBUG off) against its own
database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/samenwerking_bench_overzicht;
the name must contain "bench"), creates the database and its schema when needed, and once:
an LSC with a published template of 60 questions (40 for the school), 40 partner schools
with their directie and a contribute grant for one ankerpersoon, this school year's
conversation for half of them (part of the school's questions answered, a few planned), last
year's for a quarter (with an agreement to evaluate), and two partner schools without a grant.
It then asks the overview through Django's test client as that ankerpersoon: warm-up
requests first, then the median and p95 of --runs requests, and the queries of one request.

    .venv/bin/python bench/gesprek_overzicht.py [--runs 50] [--rebuild]
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inprocess import migrate, setup_django, with_authenticator  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/samenwerking_bench_overzicht"
TARGET_MS = 100.0
SCHOOLS = 40
QUESTIONS = 60
SCHOOL_QUESTIONS = 40
LSC_NAME = "Leersteuncentrum Bench"
ANKER_EMAIL = "bench-overzicht-anker@example.be"
WARM_UP = 5


def build(*, rebuild: bool = False):
    """The LSC and its schools: made once, found again on later runs."""
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
    from dossier.core.access import user_flags
    from dossier.core.services import AccessLevel, access_grant
    from leersteun.models import Onderdeel, Sjabloon, SjabloonVersie, Vraag
    from leersteun.services.gesprek import afspraak_add, answers_save, gesprek_plan, gesprek_start
    from samenwerking.schoolyear import school_year_of

    lsc = Organisation.objects.filter(name=LSC_NAME).first()
    if lsc is not None and not rebuild:
        return lsc, User.objects.get(email=ANKER_EMAIL)
    if lsc is not None:
        raise SystemExit("--rebuild: drop the bench database first (DROP DATABASE ...).")
    print(f"Creating an LSC with {SCHOOLS} partner schools and a {QUESTIONS}-question template ...")
    started = time.perf_counter()
    long_ago = datetime.date(2020, 9, 1)
    this_year = school_year_of(timezone.localdate())
    last_year = f"{int(this_year[:4]) - 1}-{this_year[:4]}"
    with transaction.atomic():
        lsc = organisation_create(kind="lsc", name=LSC_NAME)
        admin = User.objects.create_user(
            email="bench-overzicht-beheer@example.be",
            first_name="Bea",
            last_name="Beheer",
            is_staff=True,
            notification_frequency=User.NotificationFrequency.NONE,
        )

        def member(email, organisation, role):
            person = User.objects.create_user(
                email=email,
                first_name="Bench",
                last_name=email.split("@")[0],
                notification_frequency=User.NotificationFrequency.NONE,
            )
            membership = membership_create(
                user=person, organisation=organisation, role=role, start_date=long_ago
            )
            if membership.is_pending:
                # a school without a directie: a platform administrator confirms the first
                membership_confirm(membership=membership, actor=admin)
            return person

        anker = member(ANKER_EMAIL, lsc, Role.LSC_ANKERPERSOON)
        sjabloon = Sjabloon.objects.create(lsc=lsc, name="Samenwerkingsgesprek (bench)")
        versie = SjabloonVersie.objects.create(
            sjabloon=sjabloon, number=1, published_at=timezone.now(), published_by=anker
        )
        for part in range(6):
            onderdeel = Onderdeel.objects.create(
                versie=versie, position=part, title=f"Onderdeel {part + 1}"
            )
            for index in range(QUESTIONS // 6):
                number = part * (QUESTIONS // 6) + index
                Vraag.objects.create(
                    onderdeel=onderdeel,
                    position=index,
                    text=f"Vraag {number + 1}",
                    kind=Vraag.Kind.LONG_TEXT if index % 3 else Vraag.Kind.SHORT_TEXT,
                    filled_by=(
                        Vraag.FilledBy.SCHOOL if number < SCHOOL_QUESTIONS else Vraag.FilledBy.LSC
                    ),
                )
        school_questions = list(
            Vraag.objects.filter(onderdeel__versie=versie, filled_by=Vraag.FilledBy.SCHOOL)
        )
        for index in range(SCHOOLS + 2):
            school = organisation_create(
                kind="school",
                name=f"Basisschool Bench {index + 1:02d}",
                instellingsnummer=f"{970000 + index}",
                city="Gent",
            )
            partnership_create(school=school, partner=lsc, start_date=long_ago)
            directie = member(f"bench-overzicht-directie-{index}@example.be", school, Role.DIRECTIE)
            if index >= SCHOOLS:
                continue  # a partner whose dossier the ankerpersoon has no grant on
            dossier = school.dossier
            access_grant(
                dossier=dossier,
                granted_by=directie,
                access=user_flags(directie, dossier),
                user=anker,
                level=AccessLevel.CONTRIBUTE,
            )
            access = user_flags(anker, dossier)
            if index % 4 == 0:
                last = gesprek_start(
                    dossier=dossier, user=anker, access=access, school_year=last_year
                )
                afspraak_add(
                    gesprek=last, user=anker, access=access, what="Vorming", partner="both"
                )
            if index % 2 == 0:
                gesprek = gesprek_start(dossier=dossier, user=anker, access=access)
                answers_save(
                    gesprek=gesprek,
                    user=directie,
                    access=user_flags(directie, dossier),
                    values={v.pk: f"Antwoord {v.pk}" for v in school_questions[: index % 30]},
                )
                if index % 8 == 0:
                    gesprek_plan(
                        gesprek=gesprek,
                        user=anker,
                        access=access,
                        planned_for=timezone.now() + datetime.timedelta(days=10 + index),
                    )
    print(f"Built in {time.perf_counter() - started:.1f} s.")
    return lsc, anker


def measure(lsc, anker, runs: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(anker)
    url = reverse("leersteun:overzicht", kwargs={"lsc_pk": lsc.pk})
    for _ in range(WARM_UP):
        response = client.get(url)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    # counted now: the next request empties the connection's log
    queries = len(captured)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    rows = len(response.context["page"].object_list) if response.context else SCHOOLS
    assert rows == SCHOOLS, rows
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)], queries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    setup_django(DEFAULT_DATABASE_URL)
    migrate()
    lsc, anker = build(rebuild=args.rebuild)
    with_authenticator(anker)
    median, p95, queries = measure(lsc, anker, args.runs)
    met = median < TARGET_MS
    print(
        f"overview of {SCHOOLS} schools: median {median:.1f} ms, p95 {p95:.1f} ms over "
        f"{args.runs} requests, {queries} queries; target {TARGET_MS:.0f} ms: "
        f"{'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
