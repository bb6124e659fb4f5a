"""The consultations' part of the doorlichting (``dossier.rapporten.doorlichting``): the
consultatieve leerlingenbegeleiding of a school year in figures.

Counts only, for the school and across a CLB's schools alike: by theme, by who at the school
asked, by what the consultation was about, and how many are still open. No note's question,
analysis, advice or label is read, so nothing here is audited content.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultatie.models import AskedBy, Consultatie, ConsultatieThema, Status, SubjectKind
from dossier.core.access import Section
from dossier.core.registry import DoorlichtingPart
from samenwerking.charts import bar_chart
from samenwerking.schoolyear import school_year_dates


def _counts(queryset, field: str) -> Counter:
    return Counter(
        {row[field]: row["n"] for row in queryset.values(field).annotate(n=Count("*")).order_by()}
    )


def school_context(dossier, school_year: str) -> dict:
    """The school year's consultations counted by theme, by who asked, by subject and by
    status: four grouped queries, whatever the number of notes."""
    notes = Consultatie.objects.filter(dossier=dossier, school_year=school_year)
    by_asker = _counts(notes, "asked_by")
    by_subject = _counts(notes, "subject_kind")
    by_status = _counts(notes, "status")
    themes = list(
        ConsultatieThema.objects.filter(dossier=dossier, school_year=school_year)
        .values("thema__name", "thema__position")
        .annotate(n=Count("*"))
        .order_by("-n", "thema__position", "thema__name")
    )
    total = sum(by_status.values())
    asked = [(str(choice.label), by_asker.get(choice.value, 0)) for choice in AskedBy]
    subjects = [(str(choice.label), by_subject.get(choice.value, 0)) for choice in SubjectKind]
    statuses = [(str(choice.label), by_status.get(choice.value, 0)) for choice in Status]
    theme_rows = [(row["thema__name"], row["n"]) for row in themes]
    empty = _("No consultations were noted for %(year)s.") % {"year": school_year}
    return {
        "total": total,
        "open_count": by_status.get(Status.OPEN, 0),
        "asked": asked,
        "subjects": subjects,
        "statuses": statuses,
        "themes": theme_rows,
        "theme_chart": bar_chart(
            key="doorlichting-themes",
            title=_("Consultations per theme, %(year)s") % {"year": school_year},
            rows=theme_rows,
            row_head=_("Theme"),
            value_head=_("Consultations"),
            note=_("A consultation can have several themes."),
            empty_text=empty,
        ),
        "asked_chart": bar_chart(
            key="doorlichting-asked-by",
            title=_("Consultations by who asked, %(year)s") % {"year": school_year},
            rows=[row for row in asked if row[1]] if total else [],
            row_head=_("Who asked"),
            value_head=_("Consultations"),
            empty_text=empty,
            colour="#00707a",
        ),
        "csv": _csv(theme_rows, asked, subjects, statuses),
    }


def _csv(themes, asked, subjects, statuses) -> tuple[list[str], list[list[str]]]:
    """One line per figure: what is counted, which value, how many."""
    body = []
    for heading, rows in (
        (_("Theme"), themes),
        (_("Who asked"), asked),
        (_("About"), subjects),
        (_("Status"), statuses),
    ):
        body.extend([str(heading), label, str(count)] for label, count in rows)
    return [_("Counted by"), _("Value"), _("Consultations")], body


def columns() -> list[str]:
    return [
        _("Consultations"),
        _("Still open"),
        *(_("Asked by: %(who)s") % {"who": choice.label} for choice in AskedBy),
        _("Most frequent themes"),
    ]


def _served(windows, field: str) -> Q:
    """Each dossier's items within its window: one condition per distinct window, with the
    dossiers that share it in one list (most schools are served the whole school year). An
    OR of a condition per dossier costs the ORM some 20 ms to build for 80 schools, and the
    planner a bitmap per dossier."""
    dossiers: dict[tuple[datetime.date, datetime.date], list[int]] = defaultdict(list)
    for dossier_id, window in windows.items():
        dossiers[window].append(dossier_id)
    return reduce(
        or_,
        (
            Q(**{"dossier_id__in": sorted(ids), f"{field}__gte": first, f"{field}__lte": last})
            for (first, last), ids in sorted(dossiers.items())
        ),
    )


def figures(windows: dict[int, tuple[datetime.date, datetime.date]], school_year: str) -> dict:
    """Per school: the consultations of the school year held while the organisation served
    it, still open, by who asked, and its three most frequent themes. Two grouped queries
    for all schools."""
    if not windows:
        return {}
    notes = Consultatie.objects.filter(_served(windows, "date"), school_year=school_year)
    per_school: dict[int, Counter] = defaultdict(Counter)
    for row in notes.values("dossier_id", "asked_by", "status").annotate(n=Count("*")).order_by():
        counts = per_school[row["dossier_id"]]
        counts["total"] += row["n"]
        counts[f"asked:{row['asked_by']}"] += row["n"]
        if row["status"] == Status.OPEN:
            counts["open"] += row["n"]
    # the themes from the note-theme links, which carry their note's dossier and school year
    # (the services keep them): for a school served the whole year, its links alone (an
    # index-only scan); only for a school served part of it, through its notes' dates
    year = school_year_dates(school_year)
    whole = [dossier_id for dossier_id, window in windows.items() if window == year]
    part = {dossier_id: window for dossier_id, window in windows.items() if window != year}
    links = Q(dossier_id__in=whole)
    if part:
        links |= Q(
            consultatie__in=Consultatie.objects.filter(
                _served(part, "date"), school_year=school_year
            ).values("pk")
        )
    themes: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for row in (
        ConsultatieThema.objects.filter(links, school_year=school_year)
        .values("dossier_id", "thema__name")
        .annotate(n=Count("*"))
        .order_by("dossier_id", "-n", "thema__name")
    ):
        themes[row["dossier_id"]].append((row["thema__name"], row["n"]))
    answer = {}
    for dossier_id in windows:
        counts = per_school.get(dossier_id, Counter())
        answer[dossier_id] = [
            counts["total"],
            counts["open"],
            *(counts[f"asked:{choice.value}"] for choice in AskedBy),
            "; ".join(f"{name} ({n})" for name, n in themes.get(dossier_id, [])[:3]),
        ]
    return answer


PART = DoorlichtingPart(
    key="consultaties",
    label=gettext_lazy("Consultatieve leerlingenbegeleiding: the consultations in figures"),
    section=Section.CONSULTATIES,
    order=20,
    template="consultatie/doorlichting.html",
    school=school_context,
    columns=columns,
    figures=figures,
    filename="consultaties",
)
