"""The signals of a school year as trends: how many stood in each status, month by month, and
how long it took until the first duiding, advies and afspraak.

Reads for the signal list and the jaarverslag; each is one query whatever the number of
signals, and the charts come from ``samenwerking.charts``.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Min, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samenwerking.charts import Chart, Series, bar_chart, stacked_column_chart
from signalen.models import Gebeurtenis, Signaal
from signalen.workflow import Kind, Status

# the supplements whose first one ends a step of the follow-up, in the order of the story
FOLLOW_UP_KINDS = (Kind.DUIDING, Kind.ADVIES, Kind.AFSPRAAK)


def _months(school_year: str, now: datetime.datetime) -> list[tuple[datetime.date, datetime]]:
    """Each month of the school year that has begun, with the moment its count is taken: the
    end of the month, or now for the month under way."""
    start = int(school_year[:4])
    tz = timezone.get_current_timezone()
    months = []
    for index in range(12):
        year, month = start + (8 + index) // 12, (8 + index) % 12 + 1
        first = datetime.date(year, month, 1)
        begins = datetime.datetime(year, month, 1, tzinfo=tz)
        if begins > now:
            break
        next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
        ends = datetime.datetime(next_year, next_month, 1, tzinfo=tz)
        months.append((first, min(ends, now)))
    return months


@dataclass
class StatusTrend:
    """How many of the school year's signals stood in each status at the end of each month."""

    school_year: str
    months: list[datetime.date] = field(default_factory=list)
    # per status, one count per month
    counts: dict[str, list[int]] = field(default_factory=dict)
    signal_count: int = 0

    def chart(self, *, key: str = "signal-status") -> Chart:
        series = [Series(str(status.label), self.counts.get(status, [])) for status in Status]
        return stacked_column_chart(
            key=key,
            title=_("Signals by status, month by month, %(year)s") % {"year": self.school_year},
            columns=[date_format(month, "b") for month in self.months],
            table_labels=[date_format(month, "F Y") for month in self.months],
            series=series,
            row_head=_("Month"),
            total_head=_("Signals"),
            description=self.description(),
            empty_text=_("No signals were logged for %(year)s yet.") % {"year": self.school_year},
        )

    def description(self) -> str:
        if not self.months or not self.signal_count:
            return ""
        last = len(self.months) - 1
        open_now = sum(
            self.counts[status][last] for status in Status if status != Status.AFGESLOTEN
        )
        return _(
            "A column per month from %(first)s to %(last)s, split by status. At the end "
            "%(total)s signals, of which %(closed)s closed and %(open)s still open."
        ) % {
            "first": date_format(self.months[0], "F Y"),
            "last": date_format(self.months[-1], "F Y"),
            "total": sum(self.counts[status][last] for status in Status),
            "closed": self.counts[Status.AFGESLOTEN][last],
            "open": open_now,
        }


def status_over_year(dossier, school_year: str, *, now=None) -> StatusTrend:
    """The status of each of the school year's signals at the end of every month so far, from
    their timelines (logged, status changed): one query."""
    now = now or timezone.now()
    trend = StatusTrend(school_year)
    months = _months(school_year, now)
    events = (
        Gebeurtenis.objects.filter(
            signaal__dossier=dossier,
            signaal__school_year=school_year,
            kind__in=[Gebeurtenis.Kind.CREATED, Gebeurtenis.Kind.STATUS],
        )
        .exclude(to_status="")
        .order_by("created_at", "pk")
        .values_list("signaal_id", "to_status", "created_at")
    )
    trend.months = [first for first, _moment in months]
    trend.counts = {status: [] for status in Status}
    current: dict[int, str] = {}
    pending = iter(events)
    upcoming = next(pending, None)
    for _first, moment in months:
        while upcoming is not None and upcoming[2] < moment:
            current[upcoming[0]] = upcoming[1]
            upcoming = next(pending, None)
        for status in Status:
            trend.counts[status].append(0)
        for status in current.values():
            if status in trend.counts:
                trend.counts[status][-1] += 1
    trend.signal_count = len(current)
    return trend


@dataclass
class Step:
    """One step of the follow-up: how many signals reached it, the median days it took, and
    how many are still without it."""

    kind: str
    label: str
    reached: int
    waiting: int
    median_days: float | None


@dataclass
class FollowUp:
    school_year: str
    signal_count: int
    steps: list[Step]

    def chart(self, *, key: str = "signal-follow-up") -> Chart:
        return bar_chart(
            key=key,
            title=_("Days until the first duiding, advies and afspraak, %(year)s")
            % {"year": self.school_year},
            rows=[(step.label, step.median_days) for step in self.steps],
            row_head=_("Step"),
            value_head=_("Median"),
            value_text=days_text,
            at_least=7,  # a bar's full length is at least a week
            extra_columns=[
                (_("Signals that have one"), [step.reached for step in self.steps]),
                (_("Signals still without"), [step.waiting for step in self.steps]),
            ],
            description=self.description(),
            note=_("The median: half of the signals took less, half took more."),
            empty_text=(
                _("No duiding, advies or afspraak has been added to these signals yet.")
                if self.signal_count
                else _("No signals were logged for %(year)s yet.") % {"year": self.school_year}
            ),
        )

    def description(self) -> str:
        parts = [
            _("%(step)s after %(days)s (%(reached)s of %(total)s signals)")
            % {
                "step": step.label,
                "days": days_text(step.median_days),
                "reached": step.reached,
                "total": self.signal_count,
            }
            for step in self.steps
            if step.median_days is not None
        ]
        if not parts:
            return ""
        return _("The median time from logging a signal to its first supplement: %(parts)s.") % {
            "parts": "; ".join(parts)
        }


def days_text(days: float | None) -> str:
    if days is None:
        return "–"
    shown = round(days, 1)
    number = f"{shown:.1f}".replace(".", ",") if not float(shown).is_integer() else str(int(shown))
    return ngettext("%(days)s day", "%(days)s days", 1 if shown == 1 else 2) % {"days": number}


def follow_up_times(dossier, school_year: str) -> FollowUp:
    """From logging to the first duiding, advies and afspraak of each of the school year's
    signals: one query (the first supplement of each kind per signal)."""
    firsts = {
        kind: Min("aanvullingen__created_at", filter=Q(aanvullingen__kind=kind))
        for kind in FOLLOW_UP_KINDS
    }
    rows = list(
        Signaal.objects.filter(dossier=dossier, school_year=school_year)
        .order_by()
        .annotate(**{f"first_{kind}": first for kind, first in firsts.items()})
        .values_list("created_at", *(f"first_{kind}" for kind in FOLLOW_UP_KINDS))
    )
    steps = []
    for index, kind in enumerate(FOLLOW_UP_KINDS, start=1):
        days = [
            max(0.0, (row[index] - row[0]).total_seconds() / 86400)
            for row in rows
            if row[index] is not None
        ]
        steps.append(
            Step(
                kind=kind,
                label=str(Kind(kind).label),
                reached=len(days),
                waiting=len(rows) - len(days),
                median_days=statistics.median(days) if days else None,
            )
        )
    return FollowUp(school_year=school_year, signal_count=len(rows), steps=steps)


@dataclass
class Trends:
    """What the signal list draws above the signals: both charts of one school year."""

    school_year: str
    status: Chart
    follow_up: Chart


def signal_trends(dossier, school_year: str) -> Trends:
    """Both charts of the signal list: two queries."""
    return Trends(
        school_year=school_year,
        status=status_over_year(dossier, school_year).chart(),
        follow_up=follow_up_times(dossier, school_year).chart(),
    )
