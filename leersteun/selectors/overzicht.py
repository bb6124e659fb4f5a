"""The ankerpersoon's overview: every partner school of one LSC and its conversations.

One row per school the LSC works with today whose samenwerkingsgesprek the person may read.
Everything a row shows (this year's and last year's status, the planned date, how much of the
school's part is filled in, the open agreements) is a subquery of the one statement that
lists the schools, so the page costs the same for 4 schools as for 60.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Partnership, active_q
from dossier.core.access import Section, readable_dossier_ids
from dossier.core.models import Dossier
from leersteun.models import Antwoord, Gesprek, GesprekAfspraak, Vraag
from samenwerking.schoolyear import school_year_of

# The status of a school without this year's conversation, in filters and sorting.
NOT_STARTED = "none"
STATUS_ORDER = (
    NOT_STARTED,
    Gesprek.Status.VOORBEREIDING,
    Gesprek.Status.GEPLAND,
    Gesprek.Status.GEHOUDEN,
    Gesprek.Status.AFGEROND,
)


def previous_year(school_year: str) -> str:
    start = int(school_year[:4]) - 1
    return f"{start}-{start + 1}"


@dataclass(frozen=True)
class Years:
    current: str
    previous: str

    @classmethod
    def of_today(cls) -> Years:
        current = school_year_of(timezone.localdate())
        return cls(current, previous_year(current))


def partner_dossiers(lsc_id: int) -> QuerySet:
    """The dossiers of the schools that work with the LSC today (whoever reads them)."""
    partnerships = Partnership.objects.filter(
        active_q(), partner_id=lsc_id, school_id=OuterRef("school_id")
    )
    return Dossier.objects.filter(Exists(partnerships))


def partner_counts(user, lsc_id: int) -> tuple[int, int]:
    """(partner schools, of which the person reads the conversations): one query."""
    readable = readable_dossier_ids(user, Section.LEERSTEUN)
    counts = partner_dossiers(lsc_id).aggregate(
        total=Count("pk"), readable=Count("pk", filter=Q(pk__in=readable))
    )
    return counts["total"], counts["readable"]


def _count(queryset: QuerySet, group: str) -> Coalesce:
    """COUNT(*) of ``queryset`` (already narrowed to one group) as a subquery, 0 when empty."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def overview_rows(user, lsc_id: int, *, years: Years | None = None) -> QuerySet:
    """The partner schools' dossiers the person reads, annotated with what a row shows.

    ``status`` is this year's status or ``NOT_STARTED``; ``status_rank`` sorts by the flow;
    ``planned_for``, ``last_status``; ``school_questions`` and ``school_filled`` (answered,
    not carried or prefilled and still to confirm) count the school's part of this year's
    conversation; ``open_agreements`` counts last year's agreements not yet evaluated and
    this year's.
    """
    years = years or Years.of_today()
    readable = readable_dossier_ids(user, Section.LEERSTEUN)
    # (without the model's ordering, which would join the LSC to sort one row)
    of_lsc = Gesprek.objects.filter(dossier_id=OuterRef("pk"), lsc_id=lsc_id).order_by()
    current = of_lsc.filter(school_year=years.current)
    last = of_lsc.filter(school_year=years.previous)
    # by this year's conversation found above: its answers by the (gesprek, vraag) index
    school_part = Antwoord.objects.filter(
        gesprek_id=OuterRef("gesprek_pk"), vraag__filled_by=Vraag.FilledBy.SCHOOL
    )
    agreements = GesprekAfspraak.objects.filter(
        gesprek__dossier_id=OuterRef("pk"),
        gesprek__lsc_id=lsc_id,
        gesprek__school_year__in=(years.current, years.previous),
        evaluated_in__isnull=True,
    )
    return (
        partner_dossiers(lsc_id)
        .filter(pk__in=readable)
        .select_related("school")
        .annotate(
            gesprek_pk=Subquery(current.values("pk")[:1]),
            status=Coalesce(Subquery(current.values("status")[:1]), Value(NOT_STARTED)),
            planned_for=Subquery(current.values("planned_for")[:1], output_field=DateTimeField()),
            last_gesprek_pk=Subquery(last.values("pk")[:1]),
            last_status=Subquery(last.values("status")[:1]),
            school_questions=_count(school_part, "gesprek_id"),
            school_filled=_count(
                school_part.filter(value__isnull=False, origin=Antwoord.Origin.ANSWERED),
                "gesprek_id",
            ),
            open_agreements=_count(agreements, "gesprek__dossier_id"),
            status_rank=Case(
                *(
                    When(status=status, then=Value(rank))
                    for rank, status in enumerate(STATUS_ORDER)
                ),
                output_field=IntegerField(),
            ),
        )
        .order_by("school__name", "pk")
    )


def status_label(status: str | None) -> str:
    """The words for a row's status (``NOT_STARTED`` included)."""
    if not status or status == NOT_STARTED:
        return _("Not started")
    return str(Gesprek.Status(status).label)
