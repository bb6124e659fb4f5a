"""Reads for signals, through the access module."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossier.core.access import Section, readable_dossier_ids, require_section
from dossier.core.models import Dossier, Thema
from dossier.core.registry import Bucket, WorkAnswer, WorkItem
from dossier.core.werkoverzicht import count_into
from samenwerking.search import Found, Tags, search_recent
from signalen.models import Aanvulling, AanvullingVersie, Gebeurtenis, Signaal
from signalen.workflow import OPEN_STATUSES, QUESTION, Kind


def _with_list_data(signalen: QuerySet[Signaal]) -> QuerySet[Signaal]:
    """List rows with their counts and overdue flag, most recent activity first.

    The supplement count is a subquery rather than a join with GROUP BY: PostgreSQL then sorts
    and limits the signals first and counts only for the page's rows, and the paginator's
    COUNT leaves it out. The search text, which can be long, is not loaded for a list.
    """
    overdue = Q(follow_up_date__lt=timezone.localdate(), status__in=OPEN_STATUSES)
    supplements = (
        Aanvulling.objects.filter(signaal=OuterRef("pk"))
        .order_by()
        .values("signaal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        signalen.select_related("thema", "bron", "author_organisation", "dossier__school")
        .defer("search_text")
        .annotate(
            aanvulling_count=Coalesce(Subquery(supplements), 0),
            is_overdue=Case(When(overdue, then=Value(True)), default=Value(False)),
        )
        .order_by("-last_activity_at", "-pk")
    )


def signalen_for_dossier(dossier) -> QuerySet[Signaal]:
    return _with_list_data(Signaal.objects.filter(dossier=dossier))


def recent_signals(dossier, *, limit: int = 5) -> list[Signaal]:
    """The signals with the most recent activity, for the dossier's overview: one query."""
    return list(_with_list_data(Signaal.objects.filter(dossier=dossier))[:limit])


def signalen_for_user(user) -> QuerySet[Signaal]:
    """Signals of every dossier in which ``user`` may read signals (one query, any size)."""
    readable = readable_dossier_ids(user, Section.SIGNALEN)
    return _with_list_data(Signaal.objects.filter(dossier_id__in=readable))


def signal_dossiers_for_user(user) -> QuerySet[Dossier]:
    """The dossiers in which ``user`` reads signals, with their school (for the school filter)."""
    readable = readable_dossier_ids(user, Section.SIGNALEN)
    return Dossier.objects.filter(pk__in=readable).select_related("school")


def signaal_get_for_user(user, *, pk, signaal_pk, write: bool = False):
    """(dossier, access, signal) or 404 when the signal is not in a dossier the user may read."""
    dossier, access = require_section(user, pk, Section.SIGNALEN, write=write)
    signaal = (
        Signaal.objects.select_related("thema", "bron", "author", "author_organisation")
        .filter(dossier=dossier, pk=signaal_pk)
        .first()
    )
    if signaal is None:
        raise Http404
    signaal.dossier = dossier
    return dossier, access, signaal


@dataclass
class Entry:
    """One moment on a signal's timeline: a supplement or an event."""

    at: object
    aanvulling: Aanvulling | None = None
    gebeurtenis: Gebeurtenis | None = None


@dataclass
class Story:
    entries: list[Entry]
    # the latest supplement for each of the four questions, or None when still open
    answers: list[tuple[str, object, Aanvulling | None]]
    overdue: bool

    @property
    def open_questions(self):
        return [question for _kind, question, latest in self.answers if latest is None]


def signaal_story(signaal: Signaal) -> Story:
    """The signal's timeline in time order, and the four questions at a glance: 2 queries."""
    aanvullingen = list(
        signaal.aanvullingen.select_related("author", "author_organisation").prefetch_related(
            Prefetch("versies", queryset=AanvullingVersie.objects.order_by("written_at"))
        )
    )
    gebeurtenissen = list(signaal.gebeurtenissen.select_related("actor"))
    entries = [Entry(at=a.created_at, aanvulling=a) for a in aanvullingen]
    entries += [Entry(at=g.created_at, gebeurtenis=g) for g in gebeurtenissen]
    entries.sort(key=lambda entry: (entry.at, 0 if entry.gebeurtenis else 1))
    latest: dict[str, Aanvulling] = {}
    for aanvulling in aanvullingen:
        latest[aanvulling.kind] = aanvulling
    answers = [(kind, QUESTION[kind], latest.get(kind)) for kind in Kind if kind in QUESTION]
    overdue = bool(
        signaal.follow_up_date
        and signaal.status in OPEN_STATUSES
        and signaal.follow_up_date < timezone.localdate()
    )
    return Story(entries=entries, answers=answers, overdue=overdue)


def school_years_in(signalen: QuerySet[Signaal]) -> list[str]:
    return list(signalen.order_by("-school_year").values_list("school_year", flat=True).distinct())


def search_signals(user, query: str, *, limit: int = 25) -> Found:
    """Signals matching ``query`` in the dossiers where ``user`` reads signals: the best of the
    most recent matches (by last activity), a title with the terms first. A term matches the
    text or the name of the signal's theme."""
    # what a hit shows: the title, school, theme and an excerpt of the search text
    detail = Signaal.objects.select_related("thema", "dossier__school").only(
        "title", "search_text", "thema__name", "dossier__school__name"
    )
    return search_recent(
        Signaal,
        query,
        dossier_ids=readable_dossier_ids(user, Section.SIGNALEN),
        newest="last_activity_at",
        title="title",
        limit=limit,
        detail=detail,
        tags=Tags(model=Thema, field="thema"),
    )


def work_for(ask) -> WorkAnswer:
    """The signals' part of the werkoverzicht (``dossier.core.werkoverzicht``): open signals
    past their follow-up date, and signals and supplements that others wrote since the
    person's previous login. At most five queries, whatever the number of dossiers."""
    answer = WorkAnswer()
    signalen = Signaal.objects.filter(dossier_id__in=ask.ids)
    overdue = Q(follow_up_date__lt=ask.today, status__in=OPEN_STATUSES)
    new = ask.new_q()
    counted = count_into(answer, signalen, {Bucket.OVERDUE: overdue, Bucket.NEW: new})
    fields = ("id", "dossier_id", "title", "follow_up_date", "created_at")
    late = signalen.filter(overdue).only(*fields).order_by("follow_up_date", "id")
    for signaal in ask.first(late, counted, Bucket.OVERDUE):
        answer.items.append(_work_item(Bucket.OVERDUE, signaal, signaal.follow_up_date))
    newest = signalen.filter(new).only(*fields).order_by("-created_at", "-id")
    for signaal in ask.first(newest, counted, Bucket.NEW):
        answer.items.append(_work_item(Bucket.NEW, signaal, signaal.created_at))
    supplements = Aanvulling.objects.filter(signaal__dossier_id__in=ask.ids).filter(ask.new_q())
    counted = count_into(answer, supplements, {Bucket.NEW: Q()}, dossier="signaal__dossier_id")
    newest = (
        supplements.select_related("signaal")
        .only("id", "kind", "created_at", "signaal__id", "signaal__dossier_id", "signaal__title")
        .order_by("-created_at", "-id")
    )
    for aanvulling in ask.first(newest, counted, Bucket.NEW):
        answer.items.append(
            _work_item(
                Bucket.NEW,
                aanvulling.signaal,
                aanvulling.created_at,
                kind_label=aanvulling.get_kind_display(),
            )
        )
    return answer


def _work_item(bucket, signaal, when, *, kind_label=None) -> WorkItem:
    url = reverse("signalen:detail", kwargs={"pk": signaal.dossier_id, "signaal_pk": signaal.pk})
    return WorkItem(
        bucket=bucket,
        dossier_id=signaal.dossier_id,
        kind_label=kind_label or _("Signal"),
        title=signaal.title,
        when=when,
        url=url,
    )
