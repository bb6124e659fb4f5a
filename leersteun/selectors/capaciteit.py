"""The reads of an LSC's capacity: ondersteuners, their hours and load, the waiting list.

How hours count. A running question (``workflow.RUNNING_STATUSES``) outside a cluster takes its
own estimated hours from its own ondersteuner. A running question inside a cluster is worked on
with the cluster: it takes an equal share of the cluster's hours (the cluster's hours divided by
its running questions) from the cluster's ondersteuner, and its own estimate is not added. So the
load per ondersteuner, the load per school and the total all add up to the same hours, for the
coördinator (every school of the LSC) and for an ankerpersoon (only the schools whose dossiers
they read: ``readable_dossier_ids(user, Section.LEERSTEUN)``).

Every figure is a grouped aggregate in SQL: the page costs the same few queries for 5
questions as for 6,000.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Membership, User, membership_active_q
from accounts.roles import Role
from dossier.core.access import Section, readable_dossier_ids
from leersteun.models import Capaciteit, Cluster, Leersteunvraag
from leersteun.workflow import OPEN_STATUSES, RUNNING_STATUSES, Status

ZERO = Decimal("0")
# A week of work: no question, cluster or ondersteuner takes more.
MAX_HOURS_PER_WEEK = Decimal("40")
HOURS = DecimalField(max_digits=9, decimal_places=2)
# a cluster's share per question (4 hours over 3 questions): exact enough to add up again
SHARE = DecimalField(max_digits=20, decimal_places=10)
# How many waiting questions the capacity page lists (longest waiting first).
WAITING_SHOWN = 50
# How many running questions the page proposes to round off, per ondersteuner over capacity.
CANDIDATES_PER_PERSON = 3
# Low priority is rounded off first, high priority last.
PRIORITY_RANK = {
    Leersteunvraag.Priority.LOW: 0,
    "": 1,
    Leersteunvraag.Priority.NORMAL: 2,
    Leersteunvraag.Priority.HIGH: 3,
}


def format_hours(value: Decimal | None) -> str:
    """Hours as a person types them here: one decimal, with a comma."""
    if value is None:
        return ""
    return f"{value.quantize(Decimal('0.1'))}".replace(".", ",")


# --- who the ondersteuners are ------------------------------------------------------------------


def _ondersteuner_membership(lsc_id: int, user_ref) -> QuerySet:
    return Membership.objects.filter(
        membership_active_q(),
        organisation_id=lsc_id,
        role=Role.LSC_ONDERSTEUNER,
        user_id=user_ref,
    )


def ondersteuners_of(lsc_id: int) -> QuerySet:
    """The people who work for the LSC today as ondersteuner (an active, confirmed membership
    in that role), by name: the only people a question or a cluster is assigned to."""
    return (
        User.objects.filter(is_active=True)
        .filter(Exists(_ondersteuner_membership(lsc_id, OuterRef("pk"))))
        .order_by("last_name", "first_name", "pk")
    )


def is_ondersteuner(lsc_id: int, user_id: int) -> bool:
    return ondersteuners_of(lsc_id).filter(pk=user_id).exists()


def capacities_of(lsc_id: int) -> list:
    """The LSC's ondersteuners, each with ``capacity`` (hours per week, or None): one query."""
    capacity = Capaciteit.objects.filter(lsc_id=lsc_id, ondersteuner_id=OuterRef("pk"))
    return list(
        ondersteuners_of(lsc_id).annotate(
            capacity=Subquery(capacity.values("hours_per_week")[:1], output_field=HOURS)
        )
    )


# --- the hours of running questions -------------------------------------------------------------


def _scope(lsc_id: int, readable: list[int] | None) -> QuerySet:
    """The LSC's questions; with ``readable``, only those in these dossiers."""
    questions = Leersteunvraag.objects.filter(lsc_id=lsc_id).order_by()
    if readable is not None:
        questions = questions.filter(dossier_id__in=readable)
    return questions


def cluster_shares(lsc_id: int) -> dict[int, Decimal]:
    """cluster id -> the hours each of its running questions takes (its hours divided by
    its running questions), for the LSC's clusters with running questions: one grouped query,
    kept by the caller for the page's other figures."""
    rows = (
        Cluster.objects.filter(lsc_id=lsc_id, vragen__status__in=RUNNING_STATUSES)
        .order_by()
        .values("pk", "estimated_hours")
        .annotate(n=Count("vragen"))
    )
    return {
        row["pk"]: ((row["estimated_hours"] or ZERO) / row["n"]).quantize(Decimal("1e-8"))
        for row in rows
    }


def _with_hours(questions: QuerySet, shares: dict[int, Decimal]) -> QuerySet:
    """Each question with ``hours`` (what it takes, as explained above) and ``who`` (whose
    hours they are: its own ondersteuner, or its cluster's)."""
    share = Case(
        *(
            When(cluster_id=cluster_id, then=Value(hours, output_field=SHARE))
            for cluster_id, hours in sorted(shares.items())
        ),
        default=Value(ZERO, output_field=SHARE),
        output_field=SHARE,
    )
    return questions.annotate(
        who=Case(
            When(cluster__isnull=True, then=F("ondersteuner_id")),
            default=F("cluster__ondersteuner_id"),
        ),
        hours=Case(
            When(
                cluster__isnull=True,
                then=Coalesce(F("estimated_hours"), Value(ZERO), output_field=HOURS),
            ),
            default=share,
            output_field=SHARE,
        ),
    )


@dataclass
class Load:
    """One ondersteuner's hours against their capacity."""

    person: User
    capacity: Decimal | None
    hours: Decimal = ZERO
    questions: int = 0
    clusters: int = 0
    # still an ondersteuner of the LSC today (else: someone who left with work assigned)
    member: bool = True
    candidates: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.person.get_full_name() or self.person.email

    @property
    def over(self) -> bool:
        return self.capacity is not None and self.hours > self.capacity

    @property
    def excess(self) -> Decimal:
        return max(self.hours - (self.capacity or ZERO), ZERO) if self.over else ZERO

    @property
    def free(self) -> Decimal:
        return max((self.capacity or ZERO) - self.hours, ZERO)

    # as the page shows them (one decimal, a comma): cheaper than a template filter per cell
    @property
    def hours_text(self) -> str:
        return format_hours(self.hours)

    @property
    def capacity_text(self) -> str:
        return format_hours(self.capacity)

    @property
    def excess_text(self) -> str:
        return format_hours(self.excess)

    @property
    def free_text(self) -> str:
        return format_hours(self.free)


def _loads_by_person(
    lsc_id: int, readable: list[int] | None, shares: dict[int, Decimal], person_id=None
) -> dict:
    """who -> (hours, own questions, clusters) of the running questions in scope: one query."""
    running = _with_hours(_scope(lsc_id, readable).filter(status__in=RUNNING_STATUSES), shares)
    if person_id is not None:
        running = running.filter(who=person_id)
    rows = running.values("who").annotate(
        total=Sum("hours"),
        own=Count("pk", filter=Q(cluster__isnull=True)),
        clusters=Count("cluster_id", distinct=True),
    )
    return {row["who"]: row for row in rows}


def ondersteuner_loads(
    lsc_id: int, *, readable: list[int] | None = None, by_person: dict | None = None
) -> list[Load]:
    """Every ondersteuner of the LSC (and whoever else still has running work of it assigned),
    with capacity and load: three queries (one when ``by_person``, the grouped load, is given).
    ``readable`` narrows the load to those dossiers."""
    if by_person is None:
        by_person = _loads_by_person(lsc_id, readable, cluster_shares(lsc_id))
    loads = by_person
    capacity = Capaciteit.objects.filter(lsc_id=lsc_id, ondersteuner_id=OuterRef("pk"))
    assigned = [who for who in loads if who is not None]
    people = (
        User.objects.filter(
            (Q(Exists(_ondersteuner_membership(lsc_id, OuterRef("pk")))) & Q(is_active=True))
            | Q(pk__in=assigned)
        )
        .annotate(
            capacity=Subquery(capacity.values("hours_per_week")[:1], output_field=HOURS),
            member=Exists(_ondersteuner_membership(lsc_id, OuterRef("pk"))),
        )
        .order_by("last_name", "first_name", "pk")
    )
    result = []
    for person in people:
        row = loads.get(person.pk, {})
        result.append(
            Load(
                person=person,
                capacity=person.capacity,
                hours=(row.get("total") or ZERO).quantize(Decimal("0.1")),
                questions=row.get("own", 0),
                clusters=row.get("clusters", 0),
                member=person.member,
            )
        )
    return result


def unassigned_hours(loads: dict) -> tuple[Decimal, int]:
    row = loads.get(None) or {}
    return (row.get("total") or ZERO), row.get("own", 0)


@dataclass
class SchoolLoad:
    dossier_id: int
    school: str
    hours: Decimal
    running: int
    waiting: int
    open: int

    @property
    def hours_text(self) -> str:
        return format_hours(self.hours)


def school_loads(
    lsc_id: int, *, readable: list[int] | None = None, shares: dict[int, Decimal] | None = None
) -> list[SchoolLoad]:
    """Per school with open questions of the LSC: the hours of its running questions, how
    many run, wait and are open: one grouped query (and one for ``shares`` if not given)."""
    running = Q(status__in=RUNNING_STATUSES)
    shares = cluster_shares(lsc_id) if shares is None else shares
    rows = (
        _with_hours(_scope(lsc_id, readable).filter(status__in=OPEN_STATUSES), shares)
        .values("dossier_id", "dossier__school__name")
        .annotate(
            total=Coalesce(Sum("hours", filter=running), Value(ZERO), output_field=SHARE),
            running=Count("pk", filter=running),
            waiting=Count("pk", filter=Q(status=Status.WACHTLIJST)),
            open=Count("pk"),
        )
        .order_by("-total", "dossier__school__name", "dossier_id")
    )
    return [
        SchoolLoad(
            dossier_id=row["dossier_id"],
            school=row["dossier__school__name"],
            hours=row["total"].quantize(Decimal("0.1")),
            running=row["running"],
            waiting=row["waiting"],
            open=row["open"],
        )
        for row in rows
    ]


# --- the waiting list and what could make room ---------------------------------------------------


def vraag_url(vraag) -> str | None:
    """The question's page in its dossier, when the questions' pages are there."""
    try:
        return reverse("leersteun:vraag", kwargs={"pk": vraag.dossier_id, "vraag_pk": vraag.pk})
    except NoReverseMatch:
        return None


def _days_since(moment: datetime.datetime | None, now: datetime.datetime) -> int | None:
    return None if moment is None else max((now - moment).days, 0)


def _mark(vraag, readable: set[int], now, since: str) -> None:
    """What a row may show: the label and a link only in a dossier the person reads."""
    vraag.readable = vraag.dossier_id in readable
    vraag.url = vraag_url(vraag) if vraag.readable else None
    vraag.days = _days_since(getattr(vraag, since), now)
    vraag.hours_text = format_hours(vraag.estimated_hours)


def waiting_list(
    lsc_id: int, *, readable: list[int] | None, readable_set: set[int], limit: int = WAITING_SHOWN
) -> tuple[list, dict]:
    """The questions on the waiting list, longest waiting first (``limit`` of them), and
    ``count`` / ``oldest`` of all of them: two queries."""
    waiting = _scope(lsc_id, readable).filter(status=Status.WACHTLIJST)
    summary = waiting.aggregate(count=Count("pk"), oldest=Min("waiting_since"))
    rows = list(
        waiting.select_related("dossier__school").order_by(
            F("waiting_since").asc(nulls_last=True), "pk"
        )[:limit]
    )
    now = timezone.now()
    for vraag in rows:
        _mark(vraag, readable_set, now, "waiting_since")
    summary["oldest_days"] = _days_since(summary["oldest"], now)
    return rows, summary


def roundoff_candidates(
    lsc_id: int, loads: list[Load], *, readable: list[int] | None, readable_set: set[int]
) -> None:
    """For each ondersteuner over capacity, the running questions (outside a cluster) that
    could be rounded off first to make room: low priority first, then running longest. One
    query for all of them, kept on ``Load.candidates``."""
    over = {load.person.pk: load for load in loads if load.over}
    if not over:
        return
    rank = Case(
        *(When(priority=value, then=Value(order)) for value, order in PRIORITY_RANK.items()),
        default=Value(1),
        output_field=IntegerField(),
    )
    rows = (
        _scope(lsc_id, readable)
        .filter(status__in=RUNNING_STATUSES, cluster__isnull=True, ondersteuner_id__in=list(over))
        .select_related("dossier__school")
        .annotate(
            rank=rank,
            place=Window(
                RowNumber(),
                partition_by=[F("ondersteuner_id")],
                order_by=[rank.asc(), F("status_changed_at").asc(), F("pk").asc()],
            ),
        )
        .filter(place__lte=CANDIDATES_PER_PERSON)
        .order_by("ondersteuner_id", "place")
    )
    now = timezone.now()
    for vraag in rows:
        _mark(vraag, readable_set, now, "status_changed_at")
        over[vraag.ondersteuner_id].candidates.append(vraag)


# --- the page as a whole ---------------------------------------------------------------------------


@dataclass
class Capacity:
    """Everything the capacity page shows."""

    everything: bool
    loads: list[Load]
    schools: list[SchoolLoad]
    waiting: list
    waiting_summary: dict
    unassigned_hours: Decimal
    unassigned_questions: int
    readable: set[int]

    @property
    def over(self) -> list[Load]:
        return [load for load in self.loads if load.over]

    @property
    def total_hours(self) -> Decimal:
        return sum((s.hours for s in self.schools), ZERO)

    @property
    def total_capacity(self) -> Decimal:
        return sum((load.capacity or ZERO for load in self.loads if load.member), ZERO)

    @property
    def total_hours_text(self) -> str:
        return format_hours(self.total_hours)

    @property
    def total_capacity_text(self) -> str:
        return format_hours(self.total_capacity)

    @property
    def unassigned_hours_text(self) -> str:
        return format_hours(self.unassigned_hours)

    @property
    def scale(self) -> Decimal:
        """The largest figure of the chart (its full width)."""
        figures = [load.hours for load in self.loads] + [
            load.capacity or ZERO for load in self.loads
        ]
        return max([*figures, Decimal("1")])

    @property
    def chart(self) -> dict:
        rows = chart_rows(self.loads, self.scale)
        return {
            "rows": rows,
            "width": CHART_WIDTH,
            "height": max(len(rows), 1) * CHART_ROW + 24,
            "bars_x": CHART_LABEL,
            "figures_x": CHART_LABEL + CHART_BARS + 10,
            "axis_y": max(len(rows), 1) * CHART_ROW + 4,
            "scale": format_hours(self.scale),
            "scale_x": CHART_LABEL + CHART_BARS,
        }


# The chart's geometry (SVG user units): names on the left, bars in the middle, figures right.
CHART_WIDTH = 640
CHART_LABEL = 190
CHART_BARS = 330
CHART_ROW = 30


@dataclass(frozen=True)
class ChartRow:
    load: Load
    y: int
    text_y: int
    load_width: str
    capacity_x: str | None


def chart_rows(loads: list[Load], scale: Decimal) -> list[ChartRow]:
    """Where each ondersteuner's bar and capacity mark go in the chart."""
    rows = []
    for index, load in enumerate(loads):
        cap = None
        if load.capacity is not None:
            cap = f"{CHART_LABEL + float(load.capacity / scale) * CHART_BARS:.1f}"
        rows.append(
            ChartRow(
                load=load,
                y=index * CHART_ROW + 6,
                text_y=index * CHART_ROW + 20,
                load_width=f"{float(load.hours / scale) * CHART_BARS:.1f}",
                capacity_x=cap,
            )
        )
    return rows


def capacity_of(user, lsc_id: int, *, everything: bool) -> Capacity:
    """The capacity page: every school of the LSC for its coördinator (``everything``), the
    schools whose dossiers the person reads otherwise. A fixed handful of queries."""
    readable_ids = list(readable_dossier_ids(user, Section.LEERSTEUN))
    readable = None if everything else readable_ids
    readable_set = set(readable_ids)
    shares = cluster_shares(lsc_id)
    by_person = _loads_by_person(lsc_id, readable, shares)
    loads = ondersteuner_loads(lsc_id, readable=readable, by_person=by_person)
    roundoff_candidates(lsc_id, loads, readable=readable, readable_set=readable_set)
    waiting, summary = waiting_list(lsc_id, readable=readable, readable_set=readable_set)
    hours, questions = unassigned_hours(by_person)
    return Capacity(
        everything=everything,
        loads=loads,
        schools=school_loads(lsc_id, readable=readable, shares=shares),
        waiting=waiting,
        waiting_summary=summary,
        unassigned_hours=hours.quantize(Decimal("0.1")),
        unassigned_questions=questions,
        readable=readable_set,
    )


# --- the ondersteuner's own page -------------------------------------------------------------------


@dataclass
class MyWork:
    load: Load
    questions: list
    clusters: list
    hidden: int


def my_work(user, lsc_id: int) -> MyWork:
    """What is assigned to the person in the LSC: their open questions and open clusters in
    the schools they read (with how many more are elsewhere), and their hours (all the
    LSC's: they are the person's own) against their capacity. A fixed handful of queries."""
    readable = list(readable_dossier_ids(user, Section.LEERSTEUN))
    readable_set = set(readable)
    mine = Leersteunvraag.objects.filter(
        lsc_id=lsc_id, ondersteuner=user, status__in=OPEN_STATUSES
    ).order_by()
    hidden = mine.exclude(dossier_id__in=readable).count()
    questions = list(
        mine.filter(dossier_id__in=readable)
        .select_related("dossier__school", "cluster")
        .order_by("status", F("status_changed_at").asc(), "pk")
    )
    now = timezone.now()
    for vraag in questions:
        _mark(vraag, readable_set, now, "status_changed_at")
    clusters = list(
        Cluster.objects.filter(lsc_id=lsc_id, ondersteuner=user, closed_at__isnull=True)
        .annotate(
            running=Count("vragen", filter=Q(vragen__status__in=RUNNING_STATUSES)),
            shown=Count("vragen", filter=Q(vragen__dossier_id__in=readable)),
            total=Count("vragen"),
            schools=Count("vragen__dossier_id", distinct=True),
            latest=Max("vragen__status_changed_at"),
        )
        .order_by("title", "pk")
    )
    capacity = Capaciteit.objects.filter(lsc_id=lsc_id, ondersteuner=user).first()
    row = _loads_by_person(lsc_id, None, cluster_shares(lsc_id), person_id=user.pk).get(user.pk, {})
    load = Load(
        person=user,
        capacity=capacity.hours_per_week if capacity else None,
        hours=(row.get("total") or ZERO).quantize(Decimal("0.1")),
        questions=row.get("own", 0),
        clusters=row.get("clusters", 0),
    )
    return MyWork(load=load, questions=questions, clusters=clusters, hidden=hidden)
