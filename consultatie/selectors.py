"""Reads for consultation notes, through the access module. Only school and CLB see them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultatie.models import Consultatie, ConsultatieThema, Opmerking, Status
from dossier.core.access import Section, require_section
from dossier.core.access import readable_dossier_ids as access_readable_dossier_ids
from dossier.core.models import Thema
from dossier.core.registry import Bucket, WorkAnswer, WorkItem
from dossier.core.werkoverzicht import count_into
from samenwerking.search import Found, Tags, search_recent

DEFAULT_PROMPTS = {
    "question": gettext_lazy(
        "What does the school ask? What has it tried so far, and what does it hope to get "
        "from this consultation?"
    ),
    "analysis": gettext_lazy(
        "How do you read the situation together? What helps, what hinders, which needs do you see?"
    ),
    "advice": gettext_lazy("What does the CLB advise the school to do, and why?"),
    "next_steps": gettext_lazy("Who does what, and by when? When do you look at it again?"),
}


def _with_list_data(notes: QuerySet[Consultatie]) -> QuerySet[Consultatie]:
    return notes.select_related(
        "author", "author_organisation", "dossier__school"
    ).prefetch_related(Prefetch("themas", queryset=Thema.objects.order_by("position", "name")))


def notes_for_dossier(dossier) -> QuerySet[Consultatie]:
    return _with_list_data(Consultatie.objects.filter(dossier=dossier))


def readable_dossier_ids(user) -> list[int]:
    """The ids first (once per request, briefly cached), so the planner filters notes by
    dossier with its index instead of guessing how many dossiers the access subquery lets
    through."""
    return access_readable_dossier_ids(user, Section.CONSULTATIES)


def note_get_for_user(user, *, pk, note_pk, write: bool = False):
    """(dossier, access, note) or 404: LSC and PBD staff get 404 even with a grant."""
    dossier, access = require_section(user, pk, Section.CONSULTATIES, write=write)
    note = (
        Consultatie.objects.select_related("author", "author_organisation")
        .prefetch_related(
            "participants",
            Prefetch("themas", queryset=Thema.objects.order_by("position", "name")),
            Prefetch(
                "opmerkingen",
                queryset=Opmerking.objects.select_related("author", "author_organisation"),
            ),
        )
        .filter(dossier=dossier, pk=note_pk)
        .first()
    )
    if note is None:
        raise Http404
    note.dossier = dossier
    return dossier, access, note


def earlier_advice(dossier, *, thema_ids=(), label: str = "", exclude_pk=None, limit: int = 5):
    """What was advised before in this dossier on the same theme or label, most recent first."""
    condition = Q(pk__in=[])
    if thema_ids:
        condition |= Q(themas__in=list(thema_ids))
    if label.strip():
        condition |= Q(label__iexact=label.strip())
    notes = (
        Consultatie.objects.filter(condition, dossier=dossier)
        .exclude(advice="")
        .exclude(pk=exclude_pk)
        .distinct()
        .order_by("-date", "-pk")
    )
    return list(_with_list_data(notes)[:limit])


@dataclass
class ThemeOverview:
    years: list[str]
    rows: list[tuple[str, list[int], int]]  # theme, counts per year, total
    peak: int

    def chart_rows(self):
        """Each theme with its counts as (year, count, percent of the peak) for the bars."""
        for name, counts, total in self.rows:
            yield (
                name,
                [
                    (year, count, round(100 * count / self.peak) if self.peak else 0)
                    for year, count in zip(self.years, counts, strict=True)
                ],
                total,
            )


def theme_overview(dossier_ids: Iterable[int]) -> ThemeOverview:
    """Counts of notes per theme per school year in the given dossiers: one query, whatever the
    number of notes. It counts the note-theme links alone, which carry the note's dossier and
    school year (an index-only scan on their index); the theme is joined for its name and
    position only."""
    rows = (
        ConsultatieThema.objects.filter(dossier_id__in=list(dossier_ids))
        .values("school_year", "thema__name", "thema__position")
        .annotate(n=Count("*"))
        .order_by()
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    positions: dict[str, int] = {}
    years: set[str] = set()
    for row in rows:
        counts[row["thema__name"]][row["school_year"]] = row["n"]
        positions[row["thema__name"]] = row["thema__position"]
        years.add(row["school_year"])
    ordered_years = sorted(years)
    table = []
    for name in sorted(counts, key=lambda n: (-sum(counts[n].values()), positions[n], n)):
        per_year = [counts[name].get(year, 0) for year in ordered_years]
        table.append((name, per_year, sum(per_year)))
    peak = max((count for _n, per_year, _t in table for count in per_year), default=0)
    return ThemeOverview(years=ordered_years, rows=table, peak=peak)


# a note also matches a term that names one of its themes ("pesten": the theme Pesten), through
# the note-theme links of the readable dossiers
NOTE_THEMES = Tags(model=Thema, field="thema", through=ConsultatieThema, row="consultatie")


def search_notes(user, query: str, *, limit: int = 25) -> Found:
    """Notes matching ``query`` in the dossiers where ``user`` reads notes: the best of the most
    recent matches (by the date of the consultation), a label with the terms first. A term
    matches the text or the name of one of the note's themes."""
    return search_recent(
        Consultatie,
        query,
        dossier_ids=readable_dossier_ids(user),
        newest="date",
        title="label",
        limit=limit,
        tags=NOTE_THEMES,
        # what a hit shows: the date, label, school, themes and an excerpt of the search text
        detail=Consultatie.objects.select_related("dossier__school")
        .only("date", "label", "search_text", "dossier__school__name")
        .prefetch_related(Prefetch("themas", queryset=Thema.objects.order_by("position", "name"))),
    )


def work_for(ask) -> WorkAnswer:
    """The consultation notes' part of the werkoverzicht: open notes past their follow-up
    date, and notes and remarks that others wrote since the person's previous login. At most
    five queries, whatever the number of dossiers."""
    answer = WorkAnswer()
    notes = Consultatie.objects.filter(dossier_id__in=ask.ids)
    overdue = Q(follow_up_date__lt=ask.today, status=Status.OPEN)
    new = ask.new_q()
    counted = count_into(answer, notes, {Bucket.OVERDUE: overdue, Bucket.NEW: new})
    fields = ("id", "dossier_id", "date", "follow_up_date", "created_at")
    late = notes.filter(overdue).only(*fields).order_by("follow_up_date", "id")
    for note in ask.first(late, counted, Bucket.OVERDUE):
        answer.items.append(_work_item(Bucket.OVERDUE, note, note.follow_up_date))
    newest = notes.filter(new).only(*fields).order_by("-created_at", "-id")
    for note in ask.first(newest, counted, Bucket.NEW):
        answer.items.append(_work_item(Bucket.NEW, note, note.created_at))
    remarks = Opmerking.objects.filter(consultatie__dossier_id__in=ask.ids).filter(ask.new_q())
    counted = count_into(answer, remarks, {Bucket.NEW: Q()}, dossier="consultatie__dossier_id")
    newest = (
        remarks.select_related("consultatie")
        .only("id", "created_at", "consultatie__id", "consultatie__dossier_id", "consultatie__date")
        .order_by("-created_at", "-id")
    )
    for remark in ask.first(newest, counted, Bucket.NEW):
        answer.items.append(
            _work_item(Bucket.NEW, remark.consultatie, remark.created_at, kind_label=_("Remark"))
        )
    return answer


def _work_item(bucket, note, when, *, kind_label=None) -> WorkItem:
    return WorkItem(
        bucket=bucket,
        dossier_id=note.dossier_id,
        kind_label=kind_label or _("Consultation"),
        # the date only: a note's label or text shown anywhere is an audited read
        title=_("Consultation of %(date)s") % {"date": date_format(note.date)},
        when=when,
        url=reverse("consultatie:detail", kwargs={"pk": note.dossier_id, "note_pk": note.pk}),
    )
