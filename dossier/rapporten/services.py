from __future__ import annotations

import datetime
import logging
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dossier.core.access import DossierAccess
from dossier.core.models import Dossier
from dossier.core.registry import registry
from dossier.core.services import audit_record
from dossier.rapporten.models import Report
from dossier.rapporten.pdf import render_pdf
from dossier.rapporten.section import REPORT_DOWNLOADED
from samenwerking.queue import enqueue
from samenwerking.schoolyear import validate_school_year

logger = logging.getLogger(__name__)


QUEUE_UNAVAILABLE = "queue_unavailable"


# A report still "running" after this long lost its worker (the task's hard limit is lower).
STALE_AFTER = datetime.timedelta(minutes=15)


MAX_ATTEMPTS = 3


def report_request(
    *, dossier: Dossier, kind: str, school_year: str, requested_by, access: DossierAccess
) -> Report:
    """Ask for a report. A second request while the first is pending returns the first.

    ``access`` is the requester's: a report is only for someone who reads its section.
    """

    if kind not in registry.report_kinds:
        raise ValidationError(_("This kind of report does not exist."))
    access.require_actor(requested_by, dossier.pk)
    if not access.can_read(registry.report_kinds[kind].section):
        raise PermissionDenied(_("You may not read what this report is about."))
    validate_school_year(school_year)
    pending = Report.objects.filter(
        dossier=dossier,
        kind=kind,
        school_year=school_year,
        requested_by=requested_by,
        status__in=[Report.Status.QUEUED, Report.Status.RUNNING],
    )
    with transaction.atomic():
        existing = pending.first()
        if existing:
            return existing
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    dossier=dossier, kind=kind, school_year=school_year, requested_by=requested_by
                )
        except IntegrityError:
            # another request created it a moment ago
            return pending.first() or Report.objects.filter(
                dossier=dossier, kind=kind, school_year=school_year, requested_by=requested_by
            ).latest("created_at")
        transaction.on_commit(lambda: _enqueue_report(report.pk))
    return report


def report_retry(*, report: Report) -> Report:
    """Queue a failed report again (the retry button)."""
    with transaction.atomic():
        updated = Report.objects.filter(pk=report.pk, status=Report.Status.FAILED).update(
            status=Report.Status.QUEUED, error="", started_at=None, finished_at=None, attempts=0
        )
        if updated:
            transaction.on_commit(lambda: _enqueue_report(report.pk))
    report.refresh_from_db()
    return report


# the task in dossier/rapporten/tasks.py (named after the former dossier.tasks module)
GENERATE_TASK = "dossier.tasks.generate_report"


def _enqueue_report(report_id: int) -> None:
    if not enqueue(GENERATE_TASK, report_id):
        # The request is kept: it shows as failed with a retry button, nothing is lost.
        Report.objects.filter(pk=report_id, status=Report.Status.QUEUED).update(
            status=Report.Status.FAILED, error=QUEUE_UNAVAILABLE, finished_at=timezone.now()
        )


@translation.override(settings.LANGUAGE_CODE)
def report_generate(*, report_id: int) -> bool:
    """Render a queued report. Returns False when another run already claimed it, or it failed.

    The claim is a conditional update, so a task delivered twice renders once. A failure is
    kept on the report (status and error) for the person to see and retry; it is not raised.
    """
    claimed = Report.objects.filter(pk=report_id, status=Report.Status.QUEUED).update(
        status=Report.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    try:
        report = Report.objects.select_related("dossier__school").get(pk=report_id)
        template_name, context = registry.report_kinds[report.kind].build(report)
        pdf = render_pdf(template_name, context)
        report.file.save(f"{secrets.token_urlsafe(24)}.pdf", ContentFile(pdf), save=False)
    except Exception as exc:
        logger.exception("Report %s failed", report_id)
        Report.objects.filter(pk=report_id).update(
            status=Report.Status.FAILED,
            error=(str(exc) or exc.__class__.__name__)[:300],
            finished_at=timezone.now(),
        )
        return False
    Report.objects.filter(pk=report_id).update(
        status=Report.Status.DONE, file=report.file.name, size=len(pdf), finished_at=timezone.now()
    )
    return True


def reports_requeue_stale(*, now: datetime.datetime | None = None) -> int:
    """Give reports whose worker died a new run, or mark them failed after a few attempts."""
    now = now or timezone.now()
    stale = Report.objects.filter(status=Report.Status.RUNNING, started_at__lt=now - STALE_AFTER)
    Report.objects.filter(pk__in=stale.filter(attempts__gte=MAX_ATTEMPTS).values("pk")).update(
        status=Report.Status.FAILED, error="worker_lost", finished_at=now
    )
    requeued = list(stale.values_list("pk", flat=True))
    Report.objects.filter(pk__in=requeued, status=Report.Status.RUNNING).update(
        status=Report.Status.QUEUED
    )
    # A queued report whose message was lost before any worker claimed it is sent again;
    # the claim still guarantees a single render.
    requeued += list(
        Report.objects.filter(status=Report.Status.QUEUED, created_at__lt=now - STALE_AFTER)
        .exclude(pk__in=requeued)
        .values_list("pk", flat=True)
    )
    for report_id in requeued:
        _enqueue_report(report_id)
    return len(requeued)


def report_downloaded(*, report: Report, user) -> None:
    audit_record(
        dossier=report.dossier,
        actor=user,
        action=REPORT_DOWNLOADED.key,
        section=registry.report_kinds[report.kind].section,
        detail=f"{report.get_kind_display()} {report.school_year}",
    )
