"""How much does the werkoverzicht (the home page) cost a CLB medewerker with 80 schools?

Not a test: a standalone timing. It uses the test settings (DEBUG off) against its own
database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/samenwerking_bench_werk;
the name must contain "bench"), creates the database and its schema when needed, and fills a
region once, with the volumes of Flanders per school (100,000 signals, 400,000 supplements and
1,000,000 notes over 3,000 schools: some 33 signals, 130 supplements and 330 notes a school):

* 600 schools served by 8 CLBs of 75-80 schools; the bench CLB serves 80 of them and its
  medewerker holds a contribute grant on those 80;
* per school over five school years: 33 signals (a few open and past their follow-up date),
  130 supplements, 330 consultation notes with a remark on every tenth, 30 documents of which
  some not for the CLB, 10 agreements (one to evaluate, one draft waiting for the CLB), 10
  meetings, 4 leersteunvragen; a tenth of it written in the last two weeks by others.

It then times, as that medewerker (last here a week ago) through Django's test client, the home
page against the floor (a logged-in page that extends base.html and does nothing else),
alternating them: the home page as it is read from the cache on a later visit, and right after
a write in one of the schools (computed afresh); the median of --runs requests each, the ratio
of their throughputs (floor time over page time) and the queries of one computed home page.

    .venv/bin/python bench/werkoverzicht.py [--runs 30] [--rebuild]
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inprocess import migrate, setup_django, with_authenticator  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/samenwerking_bench_werk"
SCHOOLS = 600
CLBS = 8
BENCH_SCHOOLS = 80
PER_SCHOOL = {"signals": 33, "supplements": 130, "notes": 330, "documents": 30, "agreements": 10}
MEETINGS = 10
VRAGEN = 4
BENCH_CLB = "CLB Bench Werkoverzicht"
BENCH_USER = "bench-werk@example.be"
FIRST_NUMBER = 980_000
WARM_UP = 3
BATCH = 5_000


def build(*, rebuild: bool = False):
    """The region: made once (bulk inserts), found again on later runs."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Membership, Organisation, Partnership, User
    from accounts.roles import Role
    from consultatie.models import Consultatie, Opmerking
    from dossier.afspraken.models import AfspraakPartij, AfspraakVersie, Samenwerkingsafspraak
    from dossier.core.models import Dossier, DossierUserObjectPermission, Thema
    from dossier.core.services import AccessLevel, access_grant
    from dossier.documenten.models import Document, DocumentVersie
    from dossier.overleg.models import StructureelOverleg
    from leersteun.models import Leersteunvraag
    from samenwerking.schoolyear import school_year_of
    from signalen.models import Aanvulling, Bron, Signaal

    clb = Organisation.objects.filter(name=BENCH_CLB).first()
    if clb is not None and not rebuild:
        return User.objects.get(email=BENCH_USER)
    if clb is not None:
        raise SystemExit("--rebuild: drop the bench database first (DROP DATABASE ...).")
    print(f"Creating {SCHOOLS} schools with Flanders' volumes per school ...")
    started = time.perf_counter()
    rng = random.Random(20261204)
    now = timezone.now()
    today = timezone.localdate()
    long_ago = datetime.date(2020, 9, 1)
    years = [school_year_of(today - datetime.timedelta(days=365 * back)) for back in range(5)]

    def when(recent_share=0.1):
        """A moment of the last five years; ``recent_share`` of them in the last two weeks."""
        days = rng.uniform(0, 14) if rng.random() < recent_share else rng.uniform(14, 5 * 365)
        return now - datetime.timedelta(days=days)

    with transaction.atomic():
        thema = Thema.objects.order_by("pk").first() or Thema.objects.create(name="Welbevinden")
        bron = Bron.objects.order_by("pk").first() or Bron.objects.create(name="Overleg")
        clbs = [
            Organisation.objects.create(kind="clb", name=BENCH_CLB if i == 0 else f"CLB {i}")
            for i in range(CLBS)
        ]
        lsc = Organisation.objects.create(kind="lsc", name="LSC Bench")
        schools = Organisation.objects.bulk_create(
            Organisation(
                kind="school", name=f"School {i:03d}", instellingsnummer=f"{FIRST_NUMBER + i}"
            )
            for i in range(SCHOOLS)
        )
        dossiers = Dossier.objects.bulk_create(Dossier(school=school) for school in schools)
        Partnership.objects.bulk_create(
            [
                Partnership(
                    school=school,
                    partner=clbs[0 if i < BENCH_SCHOOLS else 1 + i % (CLBS - 1)],
                    partner_kind="clb",
                    start_date=long_ago,
                )
                for i, school in enumerate(schools)
            ]
            + [
                Partnership(school=school, partner=lsc, partner_kind="lsc", start_date=long_ago)
                for school in schools
            ]
        )

        def person(email, organisation, role):
            user = User.objects.create_user(
                email=email, notification_frequency=User.NotificationFrequency.NONE
            )
            Membership.objects.create(
                user=user,
                organisation=organisation,
                role=role,
                start_date=long_ago,
                status="confirmed",
            )
            return user

        medewerker = person(BENCH_USER, clbs[0], Role.CLB_MEDEWERKER)
        colleagues = [
            person(f"bench-werk-clb-{i}@example.be", c, Role.CLB_MEDEWERKER)
            for i, c in enumerate(clbs)
        ]
        directies = [
            person(f"bench-werk-directie-{i}@example.be", school, Role.DIRECTIE)
            for i, school in enumerate(schools)
        ]
        for i in range(BENCH_SCHOOLS):
            access_grant(
                dossier=dossiers[i],
                granted_by=directies[i],
                access=_directie_access(directies[i], dossiers[i]),
                user=medewerker,
                level=AccessLevel.CONTRIBUTE,
            )
        assert DossierUserObjectPermission.objects.filter(user=medewerker).exists()
        signals, notes, documents, agreements = [], [], [], []
        for i, (school, dossier) in enumerate(zip(schools, dossiers, strict=True)):
            clb_of = clbs[0] if i < BENCH_SCHOOLS else clbs[1 + i % (CLBS - 1)]
            writer = colleagues[0 if i < BENCH_SCHOOLS else 1 + i % (CLBS - 1)]
            for n in range(PER_SCHOOL["signals"]):
                created = when()
                is_open = n < 6
                signals.append(
                    Signaal(
                        dossier=dossier,
                        title=f"Signaal {n} van {school.name}",
                        text="Meer afwezigheden op maandag in de tweede graad.",
                        thema=thema,
                        bron=bron,
                        school_year=rng.choice(years),
                        follow_up_date=today - datetime.timedelta(days=rng.randint(-30, 30))
                        if is_open
                        else None,
                        status="in_bespreking" if is_open else "afgesloten",
                        author=directies[i] if n % 2 else writer,
                        author_organisation=school if n % 2 else clb_of,
                        created_at=created,
                        last_activity_at=created,
                    )
                )
            for n in range(PER_SCHOOL["notes"]):
                notes.append(
                    (
                        Consultatie(
                            dossier=dossier,
                            date=(when()).date(),
                            school_year=rng.choice(years),
                            asked_by="zorgcoordinator",
                            subject_kind="klas",
                            label=f"{n % 6 + 1}A",
                            question="Hoe houdt de klas de aandacht vast bij rekenen?",
                            follow_up_date=today - datetime.timedelta(days=rng.randint(-60, 60))
                            if n % 25 == 0
                            else None,
                            status="open" if n % 25 == 0 else "afgesloten",
                            author=writer,
                            author_organisation=clb_of,
                            created_at=when(),
                        ),
                        directies[i],
                        school,
                    )
                )
            for n in range(PER_SCHOOL["documents"]):
                documents.append(
                    (
                        Document(
                            dossier=dossier,
                            title=f"Document {n}",
                            kind="visietekst",
                            school_year=rng.choice(years),
                            created_by=directies[i],
                            for_clb=n % 3 != 0,
                        ),
                        directies[i],
                    )
                )
            for n in range(PER_SCHOOL["agreements"]):
                status = "draft" if n == 0 else ("approved" if n < 3 else "evaluated")
                agreements.append(
                    (
                        Samenwerkingsafspraak(
                            dossier=dossier,
                            title=f"Afspraak {n}",
                            topic="communicatie",
                            status=status,
                            evaluation_date=today + datetime.timedelta(days=rng.randint(-20, 200)),
                            created_by=directies[i],
                            for_clb=True,
                        ),
                        school,
                        clb_of,
                        directies[i],
                    )
                )
        Signaal.objects.bulk_create(signals, batch_size=BATCH)
        Aanvulling.objects.bulk_create(
            (
                Aanvulling(
                    signaal=signaal,
                    kind="duiding",
                    text="De school ziet het ook.",
                    author=signaal.author,
                    author_organisation_id=signaal.author_organisation_id,
                    created_at=when(),
                )
                for signaal in signals
                for _ in range(4)
            ),
            batch_size=BATCH,
        )
        Consultatie.objects.bulk_create([note for note, *_ in notes], batch_size=BATCH)
        Opmerking.objects.bulk_create(
            (
                Opmerking(
                    consultatie=note,
                    text="We probeerden het.",
                    author=directie,
                    author_organisation=school,
                    created_at=when(),
                )
                for note, directie, school in notes[::10]
            ),
            batch_size=BATCH,
        )
        Document.objects.bulk_create([d for d, _by in documents], batch_size=BATCH)
        DocumentVersie.objects.bulk_create(
            (
                DocumentVersie(
                    document=document,
                    number=1,
                    file="documenten/bench.pdf",
                    original_name="bench.pdf",
                    content_type="application/pdf",
                    size=10,
                    sha256="0" * 64,
                    uploaded_by=by,
                    uploaded_at=when(),
                )
                for document, by in documents
            ),
            batch_size=BATCH,
        )
        Samenwerkingsafspraak.objects.bulk_create([a for a, *_ in agreements], batch_size=BATCH)
        versions = AfspraakVersie.objects.bulk_create(
            (
                AfspraakVersie(afspraak=a, number=1, summary="We spreken af.", created_by=by)
                for a, _school, _clb, by in agreements
            ),
            batch_size=BATCH,
        )
        AfspraakPartij.objects.bulk_create(
            [
                AfspraakPartij(
                    versie=versie,
                    kind=kind,
                    organisation=organisation,
                    responsibilities="x",
                    approved_at=None if a.status == "draft" and kind == "clb" else now,
                )
                for versie, (a, school, clb_of, _by) in zip(versions, agreements, strict=True)
                for kind, organisation in (("school", school), ("clb", clb_of))
            ],
            batch_size=BATCH,
        )
        StructureelOverleg.objects.bulk_create(
            (
                StructureelOverleg(
                    dossier=dossier,
                    date=today - datetime.timedelta(days=90 * n + rng.randint(0, 30)),
                    next_meeting_date=today + datetime.timedelta(days=rng.randint(1, 60))
                    if n == 0
                    else None,
                    agenda="Signalen",
                    minutes_keeper="school",
                    created_by=directies[i],
                )
                for i, dossier in enumerate(dossiers)
                for n in range(MEETINGS)
            ),
            batch_size=BATCH,
        )
        Leersteunvraag.objects.bulk_create(
            (
                Leersteunvraag(
                    dossier=dossier,
                    lsc=lsc,
                    school_year=years[0],
                    level="leerling",
                    owner="zorgcoordinator",
                    label=f"{n}B",
                    leervraag="Hoe ondersteunen we lezen?",
                    registered_by=directies[i],
                    registered_side="school",
                )
                for i, dossier in enumerate(dossiers)
                for n in range(VRAGEN)
            ),
            batch_size=BATCH,
        )
    from django.db import connection

    # bulk_create writes "now" into auto_now_add columns: spread them over five years, a tenth
    # in the last two weeks
    spread = (
        "CASE WHEN random() < 0.1 THEN now() - random() * interval '14 days' "
        "ELSE now() - interval '14 days' - random() * interval '1800 days' END"
    )
    with connection.cursor() as cursor:
        for model, column in (
            (Signaal, "created_at"),
            (Aanvulling, "created_at"),
            (Consultatie, "created_at"),
            (Opmerking, "created_at"),
            (DocumentVersie, "uploaded_at"),
            (Leersteunvraag, "created_at"),
        ):
            cursor.execute(f"UPDATE {model._meta.db_table} SET {column} = {spread}")  # noqa: S608
        cursor.execute(f"UPDATE {Signaal._meta.db_table} SET last_activity_at = created_at")  # noqa: S608
        cursor.execute("ANALYZE")
    print(f"Built in {time.perf_counter() - started:.1f} s.")
    return medewerker


def _directie_access(directie, dossier):
    from dossier.core.access import user_flags

    return user_flags(directie, dossier)


def measure(user, runs: int):
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from bench import settings as bench_settings

    with override_settings(ROOT_URLCONF="bench.urls", TEMPLATES=bench_settings.TEMPLATES):
        client = Client()
        client.force_login(user)
        # a person who was last here a week ago
        from django.utils import timezone

        from accounts.sessions import PREVIOUS_LOGIN_KEY

        session = client.session
        session[PREVIOUS_LOGIN_KEY] = (timezone.now() - datetime.timedelta(days=7)).isoformat()
        session.save()
        pages = {"floor": "/bench/floor/", "home": "/"}
        for url in pages.values():
            for _ in range(WARM_UP):
                assert client.get(url).status_code == 200
        from dossier.core.werkoverzicht import work_changed

        first_school = client.get("/").context["werk"].schools[0].dossier.pk
        work_changed(first_school)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/")
        queries = len(captured)
        if "--queries" in sys.argv:
            for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:8]:
                print(f"{float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")
        werk = response.context["werk"]
        times = {name: [] for name in (*pages, "home after a write")}
        for _ in range(runs):
            for name, url in pages.items():
                started = time.perf_counter()
                client.get(url)
                times[name].append((time.perf_counter() - started) * 1000)
            # a write in one of the schools: the next visit computes the werkoverzicht afresh
            work_changed(first_school)
            started = time.perf_counter()
            client.get("/")
            times["home after a write"].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}, queries, werk


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--queries", action="store_true", help="print the slowest queries")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    setup_django(DEFAULT_DATABASE_URL)
    migrate()
    user = build(rebuild=args.rebuild)
    with_authenticator(user)
    medians, queries, werk = measure(user, args.runs)
    totals = ", ".join(f"{bucket.key} {bucket.total}" for bucket in werk.buckets)
    print(f"werkoverzicht of {len(werk.schools)} schools: {totals}; {queries} queries")
    for name in ("home", "home after a write"):
        ratio = medians["floor"] / medians[name]
        print(
            f"{name}: {medians[name]:.1f} ms against the floor's {medians['floor']:.1f} ms "
            f"(medians of {args.runs}); throughput ratio to the floor {ratio:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
