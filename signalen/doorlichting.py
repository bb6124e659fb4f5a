"""The signals' part of the doorlichting (``dossier.rapporten.doorlichting``): what the
inspectorate asks of the signaalfunctie.

For one school: every signal of the school year it received, with how each was followed up
(the days until its first duiding, advies and afspraak, and whether it is still open), and
the median times. Across a CLB's schools: the same in figures per school, never a signal's
title or text.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from functools import reduce
from operator import or_

from django.db.models import Min, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossier.core.access import Section
from dossier.core.registry import DoorlichtingPart
from signalen.models import Signaal
from signalen.trends import FOLLOW_UP_KINDS, FollowUp, Step, status_over_year
from signalen.workflow import OPEN_STATUSES, Kind, Status

FIRST = {kind: f"first_{kind}" for kind in FOLLOW_UP_KINDS}


def _with_firsts(queryset):
    """Each signal with the moment of its first supplement of each follow-up kind."""
    return queryset.order_by().annotate(
        **{
            FIRST[kind]: Min("aanvullingen__created_at", filter=Q(aanvullingen__kind=kind))
            for kind in FOLLOW_UP_KINDS
        }
    )


def _days(start: datetime.datetime, end: datetime.datetime | None) -> float | None:
    if end is None:
        return None
    return max(0.0, (end - start).total_seconds() / 86400)


def _date(moment: datetime.datetime | None) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT") if moment else ""


def _follow_up(rows: list[dict], school_year: str) -> FollowUp:
    """The median days to each step over ``rows`` (each with its ``days`` per kind)."""
    steps = []
    for kind in FOLLOW_UP_KINDS:
        days = [row["days"][kind] for row in rows if row["days"][kind] is not None]
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


def school_context(dossier, school_year: str) -> dict:
    """Every signal of the school year with its follow-up, the medians and the status over
    the year: two queries, whatever the number of signals."""
    signalen = list(
        _with_firsts(Signaal.objects.filter(dossier=dossier, school_year=school_year))
        .select_related("thema", "bron", "author_organisation")
        .order_by("created_at", "pk")
    )
    rows = []
    for signaal in signalen:
        firsts = {kind: getattr(signaal, FIRST[kind]) for kind in FOLLOW_UP_KINDS}
        rows.append(
            {
                "signaal": signaal,
                "firsts": firsts,
                "days": {kind: _days(signaal.created_at, firsts[kind]) for kind in FOLLOW_UP_KINDS},
                "open": signaal.is_open,
            }
        )
    for row in rows:
        row["steps"] = [
            {
                "label": Kind(kind).label,
                "at": row["firsts"][kind],
                "days": None if row["days"][kind] is None else round(row["days"][kind]),
            }
            for kind in FOLLOW_UP_KINDS
        ]
    follow_up = _follow_up(rows, school_year)
    open_rows = [row for row in rows if row["open"]]
    return {
        "rows": rows,
        "signal_count": len(rows),
        "open_count": len(open_rows),
        "closed_count": len(rows) - len(open_rows),
        "without_duiding": sum(1 for row in open_rows if row["firsts"][Kind.DUIDING] is None),
        "follow_up": follow_up,
        "follow_up_chart": follow_up.chart(key="doorlichting-follow-up"),
        "status_chart": status_over_year(dossier, school_year).chart(
            key="doorlichting-signal-status"
        ),
        "csv": _csv(rows),
    }


def _csv(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    header = [
        _("Logged on"),
        _("Title"),
        _("Theme"),
        _("Source"),
        _("Logged by"),
        *(
            label
            for kind in FOLLOW_UP_KINDS
            for label in (
                _("First %(step)s on") % {"step": Kind(kind).label.lower()},
                _("Days until the first %(step)s") % {"step": Kind(kind).label.lower()},
            )
        ),
        _("Status"),
        _("Closed on"),
    ]
    body = []
    for row in rows:
        signaal = row["signaal"]
        body.append(
            [
                _date(signaal.created_at),
                signaal.title,
                signaal.thema.name,
                signaal.bron.name,
                signaal.author_organisation.name,
                *(
                    cell
                    for kind in FOLLOW_UP_KINDS
                    for cell in (
                        _date(row["firsts"][kind]),
                        ""
                        if row["days"][kind] is None
                        else f"{row['days'][kind]:.1f}".replace(".", ","),
                    )
                ),
                str(Status(signaal.status).label),
                _date(signaal.closed_at) if not row["open"] else "",
            ]
        )
    return header, body


def columns() -> list[str]:
    return [
        _("Signals"),
        _("Still open"),
        _("Open without a duiding"),
        *(
            _("Median days until the first %(step)s") % {"step": Kind(kind).label.lower()}
            for kind in FOLLOW_UP_KINDS
        ),
    ]


def figures(windows: dict[int, tuple[datetime.date, datetime.date]], school_year: str) -> dict:
    """Per school: the signals of the school year logged while the organisation served it,
    how many are still open (and of those, without a duiding), and the median days to each
    step. One query for all schools; no title or text leaves the database."""
    if not windows:
        return {}
    tz = timezone.get_current_timezone()

    def moment(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)

    # one condition per distinct window, with the dossiers that share it (most schools are
    # served the whole year): not an OR of a condition per dossier, which costs the ORM some
    # 20 ms to build for 80 schools and the planner a bitmap per dossier
    dossiers: dict[tuple[datetime.date, datetime.date], list[int]] = defaultdict(list)
    for dossier_id, window in windows.items():
        dossiers[window].append(dossier_id)
    served = reduce(
        or_,
        (
            Q(
                dossier_id__in=sorted(ids),
                created_at__gte=moment(first),
                created_at__lt=moment(last + datetime.timedelta(days=1)),
            )
            for (first, last), ids in sorted(dossiers.items())
        ),
    )
    rows_by_dossier: dict[int, list[dict]] = {dossier_id: [] for dossier_id in windows}
    for row in _with_firsts(Signaal.objects.filter(served, school_year=school_year)).values(
        "dossier_id", "created_at", "status", *FIRST.values()
    ):
        rows_by_dossier[row["dossier_id"]].append(
            {
                "open": row["status"] in OPEN_STATUSES,
                "firsts": {kind: row[FIRST[kind]] for kind in FOLLOW_UP_KINDS},
                "days": {
                    kind: _days(row["created_at"], row[FIRST[kind]]) for kind in FOLLOW_UP_KINDS
                },
            }
        )
    answer = {}
    for dossier_id, rows in rows_by_dossier.items():
        open_rows = [row for row in rows if row["open"]]
        follow_up = _follow_up(rows, school_year)
        answer[dossier_id] = [
            len(rows),
            len(open_rows),
            sum(1 for row in open_rows if row["firsts"][Kind.DUIDING] is None),
            *(
                None if step.median_days is None else round(step.median_days, 1)
                for step in follow_up.steps
            ),
        ]
    return answer


PART = DoorlichtingPart(
    key="signalen",
    label=gettext_lazy("Signaalfunctie: the signals and their follow-up"),
    section=Section.SIGNALEN,
    order=10,
    template="signalen/doorlichting.html",
    school=school_context,
    columns=columns,
    figures=figures,
    filename="signalen",
)
