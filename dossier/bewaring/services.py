from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dossier.bewaring.models import DeletionLog, RetentionPolicy
from dossier.core.registry import registry
from samenwerking.schoolyear import school_year_of


@dataclass
class PurgeResult:
    record_type: str
    cutoff: datetime.datetime
    count: int


def cutoff_for(years: int, today: datetime.date) -> datetime.datetime:
    """Records closed before this moment have had their ``years`` school years."""
    current_start = int(school_year_of(today)[:4])
    day = datetime.date(current_start - years, 9, 1)
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def expired(record_type: str, *, today: datetime.date | None = None):
    policy = RetentionPolicy.objects.filter(record_type=record_type).first()
    if policy is None:
        return None, None
    cutoff = cutoff_for(policy.school_years, today or timezone.localdate())
    model = registry.retention_types[record_type].model
    return model.objects.filter(closed_at__isnull=False, closed_at__lt=cutoff), cutoff


def retention_purge(*, dry_run: bool, today: datetime.date | None = None) -> list[PurgeResult]:
    """Delete (or, with ``dry_run``, only count) what has expired, per record type."""
    results = []
    for record_type in registry.retention_types:
        queryset, cutoff = expired(record_type, today=today)
        if queryset is None:
            continue
        if dry_run:
            results.append(PurgeResult(record_type, cutoff, queryset.count()))
            continue
        with transaction.atomic():
            rows = list(queryset.select_for_update().values_list("pk", "dossier_id", "closed_at"))
            DeletionLog.objects.bulk_create(
                DeletionLog(
                    record_type=record_type,
                    record_id=pk,
                    dossier_id=dossier_id,
                    closed_at=closed_at,
                )
                for pk, dossier_id, closed_at in rows
            )
            registry.retention_types[record_type].model.objects.filter(
                pk__in=[pk for pk, _d, _c in rows]
            ).delete()
        results.append(PurgeResult(record_type, cutoff, len(rows)))
    return results
