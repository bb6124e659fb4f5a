"""The reads of an LSC's leersteunraad: its members by school, its meetings and rules, and the
figures it sees of the LSC's leersteunvragen.

The figures are aggregates only, computed in SQL per school: how many questions by level and
by status, the hours of the running ones against the school's allocation, and how long the
waiting ones wait. No label, no leervraag, nothing of one question leaves the database: which
is why they are not narrowed to the dossiers the reader has access to (a council member reads
no dossier), only to the schools that sit in the council.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Prefetch,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Extract
from django.utils import timezone

from accounts.models import Membership, Organisation, active_q
from leersteun.models import (
    Leersteunvraag,
    RaadDocument,
    RaadLid,
    RaadVergadering,
    Toewijzingsregel,
)
from leersteun.workflow import RUNNING_STATUSES, Status


class Median(Aggregate):
    """PostgreSQL's median: the middle value of the group."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def affiliated_schools(lsc_id: int) -> list[Organisation]:
    """The schools that work with the LSC today, by name: one query."""
    return list(
        Organisation.objects.filter(Q(partnerships__partner_id=lsc_id) & active_q("partnerships__"))
        .distinct()
        .order_by("name", "pk")
    )


# --- members -----------------------------------------------------------------------------------


@dataclass
class SchoolSeat:
    school: Organisation
    # the current seat row (None: nobody designated, the directie sits by default)
    seat: RaadLid | None = None

    @property
    def representative(self):
        return self.seat.user if self.seat is not None else None


def raad_members(lsc_id: int) -> tuple[list[SchoolSeat], list[RaadLid]]:
    """Every affiliated school with its representative, and the other members today: three
    queries, whatever their number."""
    schools = affiliated_schools(lsc_id)
    seats = {}
    for seat in (
        RaadLid.objects.filter(
            active_q(),
            lsc_id=lsc_id,
            kind=RaadLid.Kind.SCHOOL,
            school_id__in=[s.pk for s in schools],
        )
        .select_related("user")
        .order_by("start_date", "pk")
    ):
        seats[seat.school_id] = seat  # the newest wins
    others = list(
        RaadLid.objects.filter(active_q(), lsc_id=lsc_id)
        .exclude(kind=RaadLid.Kind.SCHOOL)
        .select_related("user")
        .order_by("kind", "name", "pk")
    )
    return [SchoolSeat(school=s, seat=seats.get(s.pk)) for s in schools], others


def school_seat(lsc_id: int, school_id: int) -> RaadLid | None:
    return (
        RaadLid.objects.filter(
            active_q(), lsc_id=lsc_id, kind=RaadLid.Kind.SCHOOL, school_id=school_id
        )
        .select_related("user")
        .order_by("-start_date", "-pk")
        .first()
    )


def school_people(school_id: int):
    """The people who work at the school today (anyone of them may sit for it)."""
    from accounts.models import User

    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.active_on().filter(organisation_id=school_id).values("user_id"),
    ).order_by("last_name", "first_name", "email")


# --- meetings and rules ------------------------------------------------------------------------


def raad_vergaderingen(lsc_id: int):
    """The council's meetings, newest first, with how many were present: one query."""
    return RaadVergadering.objects.filter(lsc_id=lsc_id).annotate(
        present_count=Count("present", distinct=True)
    )


def raad_vergadering(lsc_id: int, pk: int) -> RaadVergadering | None:
    return (
        RaadVergadering.objects.filter(lsc_id=lsc_id, pk=pk)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "present",
                queryset=RaadLid.objects.select_related("school", "user").order_by(
                    "kind", "school__name", "name", "pk"
                ),
            ),
            Prefetch("regels", queryset=Toewijzingsregel.objects.select_related("school")),
            Prefetch("documenten", queryset=RaadDocument.objects.select_related("uploaded_by")),
        )
        .first()
    )


def raad_document(lsc_id: int, vergadering_pk: int, document_pk: int) -> RaadDocument | None:
    return RaadDocument.objects.filter(
        pk=document_pk, vergadering_id=vergadering_pk, vergadering__lsc_id=lsc_id
    ).first()


def raad_regels(lsc_id: int):
    return (
        Toewijzingsregel.objects.filter(lsc_id=lsc_id)
        .select_related("school", "decided_in")
        .order_by("school__name", "title", "pk")
    )


def raad_regel(lsc_id: int, pk: int) -> Toewijzingsregel | None:
    return Toewijzingsregel.objects.filter(lsc_id=lsc_id, pk=pk).first()


# --- the figures -------------------------------------------------------------------------------


@dataclass
class SchoolFigures:
    school: Organisation
    total: int = 0
    by_level: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    hours_used: Decimal = Decimal(0)
    hours_allocated: Decimal | None = None
    waiting: int = 0
    wait_median: float | None = None
    wait_mean: float | None = None

    @property
    def levels(self) -> list[int]:
        return [self.by_level.get(value, 0) for value in Leersteunvraag.Level.values]

    @property
    def statuses(self) -> list[int]:
        return [self.by_status.get(value, 0) for value in Status.values]

    @property
    def over_allocation(self) -> bool:
        return self.hours_allocated is not None and self.hours_used > self.hours_allocated


@dataclass
class RaadFigures:
    school_year: str
    schools: list[SchoolFigures]
    totals: SchoolFigures


def raad_figures(lsc_id: int, school_year: str, *, now: datetime.datetime | None = None):
    """Per affiliated school, this school year: the questions by level and by status, the hours
    of the running ones against the allocation, and the days the waiting ones have waited
    (median and mean). Four queries at any size; nothing of a question's content."""
    now = now or timezone.now()
    schools = affiliated_schools(lsc_id)
    ids = [s.pk for s in schools]
    figures = {s.pk: SchoolFigures(school=s) for s in schools}
    vragen = Leersteunvraag.objects.filter(
        lsc_id=lsc_id, school_year=school_year, dossier__school_id__in=ids
    ).order_by()
    # 1. how many, by level and status (one row per school x level x status)
    for school_id, level, status, count in vragen.values_list(
        "dossier__school_id", "level", "status"
    ).annotate(n=Count("pk")):
        row = figures[school_id]
        row.total += count
        row.by_level[level] = row.by_level.get(level, 0) + count
        row.by_status[status] = row.by_status.get(status, 0) + count
    # 2. the hours of the running questions and the waiting times, per school
    waiting = Q(status=Status.WACHTLIJST, waiting_since__isnull=False)
    in_sql = connection.vendor == "postgresql"
    waited = ExpressionWrapper(
        Extract(Value(now) - F("waiting_since"), "epoch") / Value(86400.0),
        output_field=FloatField(),
    )
    measures = {
        "hours": Sum("estimated_hours", filter=Q(status__in=RUNNING_STATUSES)),
        "waiting": Count("pk", filter=waiting),
    }
    if in_sql:
        measures |= {
            "wait_mean": Avg(waited, filter=waiting),
            "wait_median": Median(waited, filter=waiting),
        }
    for row in vragen.values("dossier__school_id").annotate(**measures):
        school = figures[row["dossier__school_id"]]
        school.hours_used = row["hours"] or Decimal(0)
        school.waiting = row["waiting"]
        school.wait_mean = row.get("wait_mean")
        school.wait_median = row.get("wait_median")
    if not in_sql:
        # the embedded demo database has neither interval arithmetic nor a median: the
        # waiting questions' dates in one query, the days counted here
        days: dict[int, list[float]] = {}
        for school_id, since in vragen.filter(waiting).values_list(
            "dossier__school_id", "waiting_since"
        ):
            days.setdefault(school_id, []).append((now - since).total_seconds() / 86400)
        for school_id, waits in days.items():
            figures[school_id].wait_mean = statistics.fmean(waits)
            figures[school_id].wait_median = statistics.median(waits)
    # 3. the hours the council allocated to each school
    for row in (
        Toewijzingsregel.objects.filter(
            lsc_id=lsc_id, school_id__in=ids, hours_per_week__isnull=False
        )
        .order_by()
        .values("school_id")
        .annotate(hours=Sum("hours_per_week", output_field=DecimalField()))
    ):
        figures[row["school_id"]].hours_allocated = row["hours"]
    totals = SchoolFigures(school=None)  # type: ignore[arg-type]
    for row in figures.values():
        totals.total += row.total
        for key, count in row.by_level.items():
            totals.by_level[key] = totals.by_level.get(key, 0) + count
        for key, count in row.by_status.items():
            totals.by_status[key] = totals.by_status.get(key, 0) + count
        totals.hours_used += row.hours_used
        totals.waiting += row.waiting
        if row.hours_allocated is not None:
            totals.hours_allocated = (totals.hours_allocated or Decimal(0)) + row.hours_allocated
    # the LSC-wide waiting times: one more grouped query, not a mean of means
    if in_sql:
        overall = vragen.filter(waiting).aggregate(mean=Avg(waited), median=Median(waited))
        totals.wait_mean, totals.wait_median = overall["mean"], overall["median"]
    else:
        waits = [
            (now - since).total_seconds() / 86400
            for since in vragen.filter(waiting).values_list("waiting_since", flat=True)
        ]
        if waits:
            totals.wait_mean, totals.wait_median = statistics.fmean(waits), statistics.median(waits)
    return RaadFigures(school_year=school_year, schools=list(figures.values()), totals=totals)
