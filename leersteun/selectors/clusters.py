"""Reads for bundling and clustering leersteunvragen, and the LSC's list across its schools.

Everything here that lists questions of more than one school goes through the readable
dossier ids (``readable_dossier_ids(user, Section.LEERSTEUN)``), and every list costs the same
number of queries whatever its length: the themes of each row come along as an array column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Now

from accounts.models import User
from dossier.core.access import Section, readable_dossier_ids
from dossier.core.access.organisations import may_manage_clusters
from dossier.core.models import Thema
from leersteun.models import Cluster, Leersteunvraag, VraagGebeurtenis
from leersteun.services.clusters import ondersteuner_ids
from leersteun.services.gesprek import lsc_of
from leersteun.workflow import OPEN_STATUSES, Status

# How many questions each group of the bundling panel shows.
RELATED_LIMIT = 10
CLOSED_STATUSES = (Status.AFGEROND, Status.NIET_OPGESTART)

Through = Leersteunvraag.themas.through


def with_themes() -> Prefetch:
    """The question's themes, alphabetical (``Leersteunvraag.theme_names``): one query for a
    whole list, on every database (the embedded demo one too)."""
    return Prefetch("themas", queryset=Thema.objects.order_by("name"))


def _shares_a_theme(theme_ids) -> Exists:
    return Exists(Through.objects.filter(leersteunvraag_id=OuterRef("pk"), thema_id__in=theme_ids))


def _outcome() -> Subquery:
    """The note of the last move into the question's current (closing) status."""
    return Subquery(
        VraagGebeurtenis.objects.filter(
            vraag_id=OuterRef("pk"),
            kind=VraagGebeurtenis.Kind.STATUS,
            to_status=OuterRef("status"),
        )
        .order_by("-created_at", "-pk")
        .values("note")[:1]
    )


# --- bundelen en verankeren ----------------------------------------------------------------------


@dataclass
class Related:
    earlier: list[Leersteunvraag] = field(default_factory=list)
    running_here: list[Leersteunvraag] = field(default_factory=list)
    running_elsewhere: list[Leersteunvraag] = field(default_factory=list)
    # what is left out past the limit, per group
    more: dict[str, bool] = field(default_factory=dict)
    # the LSC's open clusters, when the person may put this question in one
    clusters: list[Cluster] = field(default_factory=list)
    may_cluster: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.earlier or self.running_here or self.running_elsewhere)


def _limited(rows: QuerySet, name: str, related: Related) -> list[Leersteunvraag]:
    found = list(rows[: RELATED_LIMIT + 1])
    related.more[name] = len(found) > RELATED_LIMIT
    return found[:RELATED_LIMIT]


def related_questions(vraag: Leersteunvraag, access, *, user=None) -> Related:
    """What the LSC looks at to bundle and anchor a question: earlier questions of the same
    school on the same themes or with the same label (with what came of them), open questions
    of this school on similar themes, and open questions of the LSC's other schools on similar
    themes that the person reads. At most ``RELATED_LIMIT`` a group; six queries at most,
    whatever the numbers (the themes, three groups, their themes, the open clusters)."""
    if user is None:
        user = User.objects.get(pk=access.user_id)
    related = Related()
    theme_ids = [t.pk for t in vraag.themas.all()]
    base = Leersteunvraag.objects.exclude(pk=vraag.pk).select_related("cluster")
    same = Q(label__iexact=vraag.label)
    if theme_ids:
        same |= Q(_shares_a_theme(theme_ids))
    here = base.filter(same, dossier_id=vraag.dossier_id, lsc_id=vraag.lsc_id)
    related.earlier = _limited(
        here.filter(status__in=CLOSED_STATUSES)
        .annotate(outcome=_outcome())
        .order_by("-status_changed_at", "-pk"),
        "earlier",
        related,
    )
    related.running_here = _limited(
        here.filter(status__in=OPEN_STATUSES).order_by("-created_at", "-pk"),
        "running_here",
        related,
    )
    if theme_ids:
        readable = readable_dossier_ids(user, Section.LEERSTEUN)
        related.running_elsewhere = _limited(
            base.filter(
                _shares_a_theme(theme_ids),
                lsc_id=vraag.lsc_id,
                status__in=OPEN_STATUSES,
                dossier_id__in=readable,
            )
            .exclude(dossier_id=vraag.dossier_id)
            .select_related("dossier__school")
            .order_by("-created_at", "-pk"),
            "running_elsewhere",
            related,
        )
    # the themes of all three groups in one query
    prefetch_related_objects(
        [*related.earlier, *related.running_here, *related.running_elsewhere], with_themes()
    )
    related.may_cluster = lsc_of(access) == vraag.lsc_id and may_manage_clusters(user, vraag.lsc_id)
    if related.may_cluster:
        related.clusters = list(open_clusters(vraag.lsc_id))
    return related


# --- clusters ------------------------------------------------------------------------------------


def open_clusters(lsc_id: int) -> QuerySet:
    return Cluster.objects.filter(lsc_id=lsc_id, closed_at__isnull=True).order_by("title", "pk")


def clusters_of(lsc_id: int) -> QuerySet:
    """The LSC's clusters, open ones first, with their ondersteuner and how many questions
    (and of how many schools) each holds: one query."""
    return (
        Cluster.objects.filter(lsc_id=lsc_id)
        .select_related("ondersteuner")
        .annotate(
            question_count=Count("vragen", distinct=True),
            school_count=Count("vragen__dossier", distinct=True),
            is_closed=Case(
                When(closed_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("is_closed", "title", "pk")
    )


def cluster_get(lsc_id: int, cluster_pk: int) -> Cluster | None:
    return (
        Cluster.objects.filter(lsc_id=lsc_id, pk=cluster_pk)
        .select_related("ondersteuner", "created_by")
        .first()
    )


@dataclass
class SchoolGroup:
    school: object
    dossier_id: int
    vragen: list[Leersteunvraag]


def cluster_groups(cluster: Cluster, user) -> tuple[list[SchoolGroup], int]:
    """The cluster's questions the person reads, grouped by school (by name), and how many
    others it holds in dossiers the person does not read: two queries."""
    readable = readable_dossier_ids(user, Section.LEERSTEUN)
    rows = (
        Leersteunvraag.objects.filter(cluster=cluster)
        .annotate(readable=Q(dossier_id__in=readable))
        .prefetch_related(with_themes())
        .select_related("dossier__school", "ondersteuner")
        .order_by("dossier__school__name", "dossier_id", "-created_at", "-pk")
    )
    groups: list[SchoolGroup] = []
    hidden = 0
    for vraag in rows:
        if not vraag.readable:
            hidden += 1
            continue
        if not groups or groups[-1].dossier_id != vraag.dossier_id:
            groups.append(SchoolGroup(vraag.dossier.school, vraag.dossier_id, []))
        groups[-1].vragen.append(vraag)
    return groups, hidden


def ondersteuners(lsc_id: int) -> QuerySet:
    """The LSC's ondersteuners today, by name (for the cluster form)."""
    return User.objects.filter(pk__in=ondersteuner_ids(lsc_id)).order_by(
        "first_name", "last_name", "email"
    )


def addable_questions(lsc_id: int, user, cluster: Cluster) -> QuerySet:
    """The LSC's open questions the person reads that are not in this cluster (for the
    cluster page's 'add a question' choice), newest first."""
    return (
        Leersteunvraag.objects.filter(
            lsc_id=lsc_id,
            status__in=OPEN_STATUSES,
            dossier_id__in=readable_dossier_ids(user, Section.LEERSTEUN),
        )
        .exclude(cluster=cluster)
        .select_related("dossier__school")
        .order_by("dossier__school__name", "-created_at", "-pk")
    )


# --- the LSC's questions across its schools --------------------------------------------------------

SORTS = {
    "registered": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "waiting": (F("waiting_since").asc(nulls_last=True), "created_at", "pk"),
    "priority": ("priority_rank", "-created_at", "-pk"),
}
PRIORITY_RANK = {
    Leersteunvraag.Priority.HIGH: 0,
    Leersteunvraag.Priority.NORMAL: 1,
    Leersteunvraag.Priority.LOW: 2,
}


def lsc_questions(user, lsc_id: int) -> QuerySet:
    """Every question of the LSC in a dossier the person reads, with what a row (and a CSV
    line) shows: the school, the ondersteuner, the cluster, the themes as an array column and
    the waiting time. One query, whatever its length."""
    return (
        Leersteunvraag.objects.filter(
            lsc_id=lsc_id, dossier_id__in=readable_dossier_ids(user, Section.LEERSTEUN)
        )
        .select_related("dossier__school", "ondersteuner", "cluster")
        .prefetch_related(with_themes())
        .annotate(
            waited=ExpressionWrapper(Now() - F("waiting_since"), output_field=DurationField()),
            priority_rank=Coalesce(
                Case(
                    *(When(priority=p, then=Value(rank)) for p, rank in PRIORITY_RANK.items()),
                    output_field=IntegerField(),
                ),
                Value(9),
            ),
        )
        .order_by(*SORTS["registered"])
    )
