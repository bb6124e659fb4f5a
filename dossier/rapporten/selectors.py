"""Reads of the reports that are not one dossier's page."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dossier.core.registry import Bucket, WorkAnswer, WorkItem, registry
from dossier.core.werkoverzicht import count_into
from dossier.rapporten.models import Report

# A finished report stays on the werkoverzicht at least this long, even across logins.
READY_DAYS = 7


def work_for(ask) -> WorkAnswer:
    """The reports' part of the werkoverzicht: the reports the person asked for that are
    ready, since their previous login or in the last week, of the kinds they still read.
    At most two queries."""
    answer = WorkAnswer()
    readable = Q(pk__in=[])
    for key, kind in registry.report_kinds.items():
        ids = [pk for pk, access in ask.accesses.items() if access.can_read(kind.section)]
        if ids:
            readable |= Q(kind=key, dossier_id__in=ids)
    since = min(ask.since, ask.now - datetime.timedelta(days=READY_DAYS))
    reports = Report.objects.filter(
        readable, requested_by=ask.user.pk, status=Report.Status.DONE, finished_at__gt=since
    ).exclude(file="")
    counted = count_into(answer, reports, {Bucket.READY: Q()})
    for report in ask.first(reports.order_by("-finished_at", "-id"), counted, Bucket.READY):
        answer.items.append(
            WorkItem(
                bucket=Bucket.READY,
                dossier_id=report.dossier_id,
                kind_label=_("Report"),
                title=report.title,
                when=report.finished_at,
                url=reverse(
                    "rapporten:report_download",
                    kwargs={"pk": report.dossier_id, "reference": report.reference},
                ),
            )
        )
    return answer
