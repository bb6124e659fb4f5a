"""The werkoverzicht: what needs a person today, across the dossiers they read.

The sections each register a ``WorkSource`` (``dossier.core.registry``); this module asks each
source once with the dossiers in which the person reads its section, and puts the answers
together: the first items of each kind of work (overdue, asked of you, new since the previous
login, coming up, ready to download) and, per school, how many of each. The access module
decides what is counted: the person's standing gives their access to every dossier in Python
(``access.many``) and each source filters on those dossiers in SQL. The page costs the same
number of queries for 2 schools as for 80.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from dossier.core.access import DossierAccess, Section, readable_dossier_ids
from dossier.core.access.many import accesses_in, acting_organisations, items_q, reading
from dossier.core.access.readable import _cache, _CacheUnavailable, _generation
from dossier.core.models import Dossier
from dossier.core.registry import Bucket, WorkAnswer, WorkItem, WorkSource, registry

logger = logging.getLogger(__name__)

# Without a previous login (a first visit), "new" means the last two weeks.
FIRST_VISIT_DAYS = 14
# "Coming up": the next four weeks.
HORIZON_DAYS = 28
# Items shown per kind of work; the counts cover them all.
ITEMS_PER_BUCKET = 8

BUCKET_LABELS = {
    Bucket.OVERDUE: _("Overdue"),
    Bucket.ASKED: _("Waiting for you"),
    Bucket.NEW: _("New"),
    Bucket.UPCOMING: _("Coming up"),
    Bucket.READY: _("Ready to download"),
}


@dataclass(frozen=True)
class WorkAsk:
    """What a source is asked: the person, the dossiers in which they read its section (with
    their access there) and the moments that bound "new" and "coming up"."""

    user: User
    accesses: Mapping[int, DossierAccess]
    since: datetime.datetime
    now: datetime.datetime
    limit: int = ITEMS_PER_BUCKET

    @property
    def ids(self) -> list[int]:
        return sorted(self.accesses)

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    @property
    def horizon(self) -> datetime.date:
        """The last day that counts as coming up."""
        return self.today + datetime.timedelta(days=HORIZON_DAYS)

    def items_q(self, *, field: str = "dossier_id") -> Q:
        """Items with an audience of their own that the person may read (documents,
        agreements)."""
        return items_q(self.accesses, field=field)

    def acting_for(self, section: Section) -> dict[tuple[str, int], list[int]]:
        """``(side, organisation) -> dossier ids`` the person writes in ``section`` for."""
        return acting_organisations(self.accesses, section)

    def first(self, queryset, counted: Mapping[str, int], bucket: str):
        """The first items of ``queryset`` (ordered), or no query at all when ``count_into``
        counted none of ``bucket``."""
        return queryset[: self.limit] if counted.get(bucket) else []

    def new_q(self, *, at: str = "created_at", by: str = "author") -> Q:
        """Written since the previous login by someone else."""
        return Q(**{f"{at}__gt": self.since}) & ~Q(**{by: self.user.pk})


@dataclass
class SchoolLine:
    """One school of the person, with how much of each kind of work it has."""

    dossier: Dossier
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def urgent(self) -> int:
        return sum(self.counts.get(bucket, 0) for bucket in Bucket.URGENT)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, bucket: str) -> int:
        return self.counts.get(bucket, 0)

    def sort_key(self):
        """Most urgent first, then most new work, then what comes up, then by name."""
        return (
            -self.urgent,
            -self.count(Bucket.NEW),
            -self.count(Bucket.UPCOMING),
            -self.count(Bucket.READY),
            self.dossier.school.name.casefold(),
        )


@dataclass(frozen=True)
class BucketView:
    key: str
    label: str
    items: list[WorkItem]
    total: int

    @property
    def more(self) -> int:
        return max(self.total - len(self.items), 0)


@dataclass
class Werkoverzicht:
    since: datetime.datetime
    first_visit: bool
    buckets: list[BucketView]
    schools: list[SchoolLine]

    @property
    def total(self) -> int:
        return sum(bucket.total for bucket in self.buckets)

    def by_attention(self) -> list[SchoolLine]:
        return sorted(self.schools, key=SchoolLine.sort_key)

    def by_name(self) -> list[SchoolLine]:
        return sorted(self.schools, key=lambda line: line.dossier.school.name.casefold())

    @property
    def schools_needing_attention(self) -> int:
        return sum(1 for line in self.schools if line.urgent)


# The order within a kind of work: the oldest overdue first, the newest new first, the
# nearest meeting first.
_OLDEST_FIRST = {Bucket.OVERDUE, Bucket.ASKED, Bucket.UPCOMING}


def _sort_moment(value) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))


def werkoverzicht(
    user: User, *, since: datetime.datetime | None = None, now: datetime.datetime | None = None
) -> Werkoverzicht:
    """The person's werkoverzicht: one query for their dossiers, then each source's few."""
    now = now or timezone.now()
    first_visit = since is None
    if since is None:
        since = now - datetime.timedelta(days=FIRST_VISIT_DAYS)
    dossiers = list(
        Dossier.objects.filter(pk__in=readable_dossier_ids(user, Section.OVERZICHT))
        .select_related("school")
        .only("id", "school_id", "school__name", "school__instellingsnummer", "school__city")
    )
    accesses = accesses_in(user, [(dossier.pk, dossier.school_id) for dossier in dossiers])
    lines = {dossier.pk: SchoolLine(dossier) for dossier in dossiers if dossier.pk in accesses}
    items: dict[str, list[WorkItem]] = {bucket: [] for bucket in Bucket.ALL}
    totals = dict.fromkeys(Bucket.ALL, 0)
    for source in sorted(registry.work_sources.values(), key=lambda s: s.order):
        readers = reading(accesses, source.section)
        if not readers:
            continue
        answer: WorkAnswer = source.collect(WorkAsk(user, readers, since, now))
        for (dossier_id, bucket), count in answer.counts.items():
            line = lines.get(dossier_id)
            if line is None or dossier_id not in readers:
                continue  # a source answers only for the dossiers it was asked about
            line.counts[bucket] = line.counts.get(bucket, 0) + count
            totals[bucket] += count
        for item in answer.items:
            if item.dossier_id in readers:
                school = lines[item.dossier_id].dossier.school.name
                items[item.bucket].append(replace(item, school=school))
    buckets = []
    for bucket in Bucket.ALL:
        found = sorted(
            items[bucket],
            key=lambda item: _sort_moment(item.when),
            reverse=bucket not in _OLDEST_FIRST,
        )
        buckets.append(
            BucketView(bucket, BUCKET_LABELS[bucket], found[:ITEMS_PER_BUCKET], totals[bucket])
        )
    return Werkoverzicht(
        since=since, first_visit=first_visit, buckets=buckets, schools=list(lines.values())
    )


def count_into(
    answer: WorkAnswer, queryset, conditions: Mapping[str, Q], *, dossier="dossier_id"
) -> dict[str, int]:
    """Count ``queryset``'s rows per dossier for each bucket's condition, in one grouped
    query, into ``answer``; returns how many there are of each bucket."""
    totals = dict.fromkeys(conditions, 0)
    if not conditions:
        return totals
    if all(conditions.values()):  # an empty condition counts every row: no filter then
        either = Q(pk__in=[])
        for condition in conditions.values():
            either |= condition
        queryset = queryset.filter(either)
    aggregates = {
        f"n_{bucket}": Count("id", filter=condition) if condition else Count("id")
        for bucket, condition in conditions.items()
    }
    rows = queryset.order_by().values(dossier).annotate(**aggregates)
    for row in rows:
        for bucket in conditions:
            answer.add_counts(bucket, [(row[dossier], row[f"n_{bucket}"])])
            totals[bucket] += row[f"n_{bucket}"]
    return totals


# --- the cache -------------------------------------------------------------------------------
#
# The werkoverzicht reads a dozen tables of up to a hundred schools; a person opens it many
# times a day and between two visits little changes. It is kept in the cache under a key made
# of everything it depends on: the person, their access (the access generation), the day, the
# moment "new" starts, and a version per dossier that every write to a watched row moves on
# (``WorkSource.watch``, ``work_changed``). A write in one school refreshes only the
# werkoverzichten that show that school. Without Redis it is computed on every visit.

CACHE_SECONDS = 300
VERSION_KEY = "werk:v:{}"


def work_changed(dossier_id: int | None, *, committed: bool = False) -> None:
    """Something the werkoverzicht counts changed in this dossier: now, and again once the
    change is committed (an overview computed meanwhile from the old rows must not stay).
    ``committed``: the change is committed already (a worker's update in autocommit)."""
    if dossier_id is None:
        return
    _bump(dossier_id)
    if not committed:
        transaction.on_commit(lambda: _bump(dossier_id))


def _bump(dossier_id: int) -> None:
    try:
        _cache("set", VERSION_KEY.format(dossier_id), time.time_ns(), None)
    except _CacheUnavailable:
        logger.warning(
            "The cache is unreachable: werkoverzicht of dossier %s not refreshed.", dossier_id
        )


def _dossier_of(instance, path: str):
    value = instance
    for name in path.split("."):
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


def watch(source: WorkSource) -> None:
    """Connect the source's watched models: a save or delete moves their dossier's version."""
    for model, path in source.watch:

        def changed(sender, instance, path=path, **kwargs):
            work_changed(_dossier_of(instance, path))

        uid = f"werk-{source.key}-{model._meta.label}"
        post_save.connect(changed, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}-deleted", weak=False)


def werkoverzicht_for(
    user: User, *, since: datetime.datetime | None = None, now: datetime.datetime | None = None
) -> Werkoverzicht:
    """``werkoverzicht`` through the cache (see above)."""
    now = now or timezone.now()
    if not (user.is_authenticated and user.is_active) or not CACHE_SECONDS:
        return werkoverzicht(user, since=since, now=now)
    ids = readable_dossier_ids(user, Section.OVERZICHT)
    try:
        generation = _generation(user)
        versions = _cache("get_many", [VERSION_KEY.format(pk) for pk in ids]) if ids else {}
    except _CacheUnavailable:
        return werkoverzicht(user, since=since, now=now)
    # a "coming up" item of today leaves when its hour has passed: the key moves every 5 minutes
    moment = int(now.timestamp()) // CACHE_SECONDS
    state = "|".join(
        [
            str(user.pk),
            translation.get_language() or "",
            str(generation),
            timezone.localdate(now).isoformat(),
            since.isoformat() if since else "",
            str(moment),
            ",".join(f"{pk}:{versions.get(VERSION_KEY.format(pk), 0)}" for pk in ids),
        ]
    )
    key = "werk:o:" + hashlib.sha256(state.encode()).hexdigest()
    try:
        cached = _cache("get", key)
    except _CacheUnavailable:
        cached = None
    if cached is not None:
        return cached
    overview = werkoverzicht(user, since=since, now=now)
    with contextlib.suppress(_CacheUnavailable):
        _cache("set", key, overview, CACHE_SECONDS)
    return overview
