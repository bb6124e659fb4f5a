from __future__ import annotations

import datetime
import logging
import secrets
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dossier.core.access import DossierAccess, user_flags
from dossier.core.hooks import person_to_tell
from dossier.core.models import Dossier
from dossier.core.registry import registry
from dossier.core.services import AuditEntry, audit_record, audit_record_many
from dossier.core.werkoverzicht import work_changed
from dossier.rapporten.models import Failure, Report, stale_after
from dossier.rapporten.pdf import render_pdf
from dossier.rapporten.section import REPORT_DOWNLOADED
from samenwerking.queue import enqueue
from samenwerking.schoolyear import validate_school_year

logger = logging.getLogger(__name__)


QUEUE_UNAVAILABLE = Failure.QUEUE_UNAVAILABLE


MAX_ATTEMPTS = 3


def _request_window() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.REPORT_REQUEST_WINDOW)


def _lock_request(
    *,
    dossier_id: int | None,
    kind: str,
    school_year: str,
    user_id: int,
    subject_id: int | None = None,
    include_confidential: bool = False,
    organisation_id: int | None = None,
) -> None:
    """Serialise requests for one report by one person until the transaction ends.

    A transaction-level advisory lock on the request's key: the second of two concurrent
    requests waits here, then (read committed: a fresh snapshot per statement) sees the report
    the first one made. Any report, whatever its state, so a fast render cannot let a double
    click through.
    """
    key = f"rapporten.report_request:{dossier_id}:{kind}:{school_year}:{user_id}"
    if organisation_id is not None:
        key += f":o{organisation_id}"
    if subject_id is not None or include_confidential:
        key += f":{subject_id}:{int(include_confidential)}"
    if connection.vendor != "postgresql":
        # the embedded demo database (SQLite) lets one writer in at a time anyway
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def report_request(
    *,
    dossier: Dossier,
    kind: str,
    school_year: str,
    requested_by,
    access: DossierAccess,
    subject_id: int | None = None,
    include_confidential: bool = False,
) -> Report:
    """Ask for a report. A request for the same report by the same person that comes while an
    earlier one is pending, or within REPORT_REQUEST_WINDOW seconds of it, returns the earlier.

    An earlier report that has been stuck (its worker or its message was lost) is queued again.
    ``access`` is the requester's: a report is only for someone who reads its section. A kind
    about one item (``ReportKind.requested_from_item``) needs ``subject_id``, which its
    ``check`` looks at together with ``include_confidential``; the same report is the same
    item with or without the confidential content. A kind about all school years
    (``ReportKind.yearly`` False: the export) is asked for with an empty ``school_year``.
    """

    spec = registry.report_kinds.get(kind)
    if spec is None or not spec.for_dossier:
        raise ValidationError(_("This kind of report does not exist."))
    access.require_actor(requested_by, dossier.pk)
    if not access.can_read(spec.section):
        raise PermissionDenied(_("You may not read what this report is about."))
    school_year = _checked_year(spec, school_year)
    if spec.requested_from_item != (subject_id is not None):
        raise ValidationError(
            _("Ask for this report from the page of what it is about.")
            if spec.requested_from_item
            else _("This kind of report is not about one item.")
        )
    include_confidential = bool(include_confidential)
    if include_confidential and spec.check is None:
        raise ValidationError(_("This kind of report has no confidential content."))
    report = Report(
        dossier=dossier,
        kind=kind,
        school_year=school_year,
        requested_by=requested_by,
        subject_id=subject_id,
        include_confidential=include_confidential,
    )
    if spec.check is not None:
        report.subject_label = str(spec.check(access, report))[:200]
    return _request(report)


def organisation_report_request(
    *, organisation, kind: str, school_year: str, requested_by
) -> Report:
    """Ask for a report of an organisation across its schools (``ReportKind.scope``
    ORGANISATION: the CLB's doorlichting), the same way as a dossier's: one per request,
    deduplicated, retried. The kind's ``organisation_check`` decides who may."""
    spec = registry.report_kinds.get(kind)
    if spec is None or spec.for_dossier:
        raise ValidationError(_("This kind of report does not exist."))
    spec.organisation_check(requested_by, organisation)
    report = Report(
        organisation=organisation,
        kind=kind,
        school_year=_checked_year(spec, school_year),
        requested_by=requested_by,
        subject_label=organisation.name[:200],
    )
    return _request(report)


def _checked_year(spec, school_year: str) -> str:
    if not spec.yearly:
        if school_year:
            raise ValidationError(_("This kind of report is about all school years."))
        return ""
    validate_school_year(school_year)
    return school_year


def _request(report: Report) -> Report:
    """Save ``report`` and queue it after commit, unless the same request is pending or was
    just made: then that one (queued again when it was stuck)."""
    same = Report.objects.filter(
        dossier_id=report.dossier_id,
        organisation_id=report.organisation_id,
        kind=report.kind,
        school_year=report.school_year,
        requested_by=report.requested_by,
        subject_id=report.subject_id,
        include_confidential=report.include_confidential,
    )
    with transaction.atomic():
        _lock_request(
            dossier_id=report.dossier_id,
            organisation_id=report.organisation_id,
            kind=report.kind,
            school_year=report.school_year,
            user_id=report.requested_by.pk,
            subject_id=report.subject_id,
            include_confidential=report.include_confidential,
        )
        now = timezone.now()
        existing = (
            same.filter(
                Q(status__in=[Report.Status.QUEUED, Report.Status.RUNNING])
                | Q(created_at__gte=now - _request_window())
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if existing:
            if existing.is_stale(now):
                _requeue(existing.pk, now=now)
                existing.refresh_from_db()
            return existing
        report.save()
        transaction.on_commit(lambda: _enqueue_report(report.pk))
    return report


def _retryable(now: datetime.datetime) -> Q:
    """Failed, or stuck: running past its task's hard limit plus a margin (its worker died),
    or still queued that long after it was asked for (its message was lost)."""
    cutoff = now - stale_after()
    return (
        Q(status=Report.Status.FAILED)
        | Q(status=Report.Status.RUNNING, started_at__lt=cutoff)
        | Q(status=Report.Status.QUEUED, queued_at__lt=cutoff)
    )


def _requeue(report_id: int, *, now: datetime.datetime) -> bool:
    """Queue a failed or stuck report again, with a fresh count of attempts, after commit."""
    updated = Report.objects.filter(_retryable(now), pk=report_id).update(
        status=Report.Status.QUEUED,
        queued_at=now,
        error="",
        started_at=None,
        finished_at=None,
        attempts=0,
    )
    if updated:
        transaction.on_commit(lambda: _enqueue_report(report_id))
    return bool(updated)


def report_retry(*, report: Report, user, access: DossierAccess | None) -> bool:
    """Queue a failed or stuck report again (the retry button); False when it needs no retry.

    The retry belongs to whoever asked for the report and to those who may write its section;
    a reader who merely has its reference may not (PermissionDenied: 403). An organisation's
    report (``access`` None) is its requester's alone.
    """
    section = registry.report_kinds[report.kind].section
    if access is not None:
        access.require_actor(user, report.dossier_id)
    if report.requested_by_id != user.pk and (access is None or not access.can_write(section)):
        raise PermissionDenied(_("Only the person who asked for this report may retry it."))
    with transaction.atomic():
        return _requeue(report.pk, now=timezone.now())


# the task in dossier/rapporten/tasks.py (named after the former dossier.tasks module)
GENERATE_TASK = "dossier.tasks.generate_report"


def _enqueue_report(report_id: int, *, tell: bool = False) -> None:
    """Put the report on the queue. ``tell``: nobody is looking at a page that would say the
    queue is down (the stale sweep), so a failure is e-mailed to the requester."""
    if not enqueue(GENERATE_TASK, report_id):
        # The request is kept: it shows as failed with a retry button, nothing is lost.
        failed = Report.objects.filter(pk=report_id, status=Report.Status.QUEUED).update(
            status=Report.Status.FAILED, error=QUEUE_UNAVAILABLE, finished_at=timezone.now()
        )
        if failed and tell:
            _tell_requester(report_id, ready=False)


def _failure(exc: BaseException) -> str:
    """What ``Report.error`` keeps of a failed render: a code (``Failure``) the status row
    turns into a Dutch sentence, and for a refusal the builder's own message. An unexpected
    error's text stays in the log: it is not for the person who asked."""
    if isinstance(exc, SoftTimeLimitExceeded):
        return Failure.TIMED_OUT
    if isinstance(exc, PermissionDenied):
        return Failure.NO_ACCESS
    if isinstance(exc, ValidationError):
        return f"{Failure.NOT_POSSIBLE}: {' '.join(exc.messages)}"[:300]
    return f"{Failure.RENDER_FAILED}: {exc.__class__.__name__}"[:300]


def may_still_have(report: Report) -> bool:
    """Whether the person who asked still may have the report: they read its section in the
    dossier, or pass its organisation's check."""
    spec = registry.report_kinds.get(report.kind)
    if spec is None:
        return False
    if report.organisation_id is not None:
        try:
            spec.organisation_check(report.requested_by, report.organisation)
        except (PermissionDenied, ValidationError):
            return False
        return True
    return user_flags(report.requested_by, report.dossier).can_read(spec.section)


@translation.override(settings.LANGUAGE_CODE)
def _tell_requester(report_id: int, *, ready: bool) -> None:
    """E-mail the person who asked that their report is ready, or finally failed: the kind
    and school year and a link to the reports page, nothing of its content (the item's title
    stays in the app). Only while they still may have it."""
    report = (
        Report.objects.select_related("dossier__school", "organisation", "requested_by")
        .filter(pk=report_id)
        .first()
    )
    if report is None or not may_still_have(report):
        return
    names = {"kind": report.get_kind_display(), "year": report.school_year}
    if report.school_year:
        subject = (
            _("Your report is ready: %(kind)s %(year)s")
            if ready
            else _("Your report could not be made: %(kind)s %(year)s")
        ) % names
    else:
        subject = (
            _("Your report is ready: %(kind)s")
            if ready
            else _("Your report could not be made: %(kind)s")
        ) % names
    try:
        person_to_tell.send(
            sender=Report,
            dossier=report.dossier,
            place=report.organisation.name if report.organisation_id else "",
            user=report.requested_by,
            subject=subject,
            url=f"{report.page_url()}#report-{report.reference}",
        )
    except Exception:
        # the report itself is made (or kept as failed) and shows on the reports page: a mail
        # that cannot be written never undoes that
        logger.exception("Could not tell the requester of report %s", report_id)


def _claim(report_id: int) -> datetime.datetime | None:
    """Mark the report running for this run; the start time is the run's token.

    A queued report may be claimed, and so may one whose run is stuck (a message Redis handed
    out again after its worker died), while it has attempts left. Anything else is another
    run's: None.
    """
    now = timezone.now()
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            return None
        stuck = report.status == Report.Status.RUNNING and report.is_stale(now)
        if not (
            report.status == Report.Status.QUEUED or (stuck and report.attempts < MAX_ATTEMPTS)
        ):
            return None
        report.status = Report.Status.RUNNING
        report.started_at = now
        report.attempts += 1
        report.save(update_fields=["status", "started_at", "attempts"])
    return now


@translation.override(settings.LANGUAGE_CODE)
def report_generate(*, report_id: int) -> bool:
    """Render a queued report. Returns False when another run already claimed it, or it failed.

    The claim is a locked, conditional update, so a task delivered twice renders once; and the
    result is only written while this run still holds the claim, so a run that was given up
    (its worker presumed dead) cannot overwrite the run that replaced it. A failure is kept on
    the report (status and error) for the person to see and retry; it is not raised.
    """
    claimed_at = _claim(report_id)
    if claimed_at is None:
        return False
    ours = Report.objects.filter(pk=report_id, status=Report.Status.RUNNING, started_at=claimed_at)
    try:
        report = Report.objects.select_related("dossier__school", "organisation").get(pk=report_id)
        spec = registry.report_kinds[report.kind]
        if spec.make is not None:
            made = spec.make(report, _progress_of(ours))
            content = ContentFile(made) if isinstance(made, bytes) else made
        else:
            template_name, context = spec.build(report)
            content = ContentFile(
                render_pdf(template_name, context, pdf_variant=spec.pdf_variant or None)
            )
        if delay := getattr(settings, "REPORT_TEST_RENDER_DELAY", 0):
            time.sleep(delay)  # test settings only: a render slow enough to kill its worker
        report.file.save(f"{secrets.token_urlsafe(24)}.{spec.extension}", content, save=False)
        size = report.file.size
        if hasattr(content, "close"):
            content.close()
    except Exception as exc:
        error = _failure(exc)  # a code for the status row, and a mail
        if isinstance(exc, (ValidationError, PermissionDenied)):
            logger.warning("Report %s refused by its kind: %s", report_id, error)
        else:
            logger.exception("Report %s failed", report_id)
        if ours.update(status=Report.Status.FAILED, error=error, finished_at=timezone.now()):
            _tell_requester(report_id, ready=False)
        return False
    finished = timezone.now()
    done = ours.update(
        status=Report.Status.DONE,
        file=report.file.name,
        size=size,
        finished_at=finished,
        expires_at=(finished + datetime.timedelta(days=spec.keep_days) if spec.keep_days else None),
    )
    if report.dossier_id is not None:
        # ready to download: the werkoverzicht shows it (the update above is committed: the
        # task runs outside a transaction)
        work_changed(report.dossier_id, committed=True)
    if not done:
        logger.warning("Report %s was taken over by another run; its file is dropped", report_id)
        report.file.delete(save=False)
        return False
    _tell_requester(report_id, ready=True)
    return True


def reports_requeue_stale(*, now: datetime.datetime | None = None) -> int:
    """Give reports whose worker died a new run, or mark them failed after a few attempts.

    Runs every minute (the beat schedule), so a dead worker costs its report about the task's
    hard limit plus the margin, not the broker's visibility timeout.
    """
    now = now or timezone.now()
    cutoff = now - stale_after()
    with transaction.atomic():
        stuck = list(
            Report.objects.select_for_update(skip_locked=True)
            .filter(status=Report.Status.RUNNING, started_at__lt=cutoff)
            .values_list("pk", "attempts")
        )
        given_up = [pk for pk, attempts in stuck if attempts >= MAX_ATTEMPTS]
        requeued = [pk for pk, attempts in stuck if attempts < MAX_ATTEMPTS]
        Report.objects.filter(pk__in=given_up).update(
            status=Report.Status.FAILED, error=Failure.WORKER_LOST, finished_at=now
        )
        # A queued report whose message was lost before any worker claimed it is sent again;
        # the claim still guarantees a single render.
        requeued += list(
            Report.objects.select_for_update(skip_locked=True)
            .filter(status=Report.Status.QUEUED, queued_at__lt=cutoff)
            .exclude(pk__in=requeued)
            .values_list("pk", flat=True)
        )
        # started_at is the lost run's token: clearing it keeps that run from writing a result
        Report.objects.filter(pk__in=requeued).update(
            status=Report.Status.QUEUED, queued_at=now, started_at=None
        )
    # after the commit (also when called inside a test's transaction: eager Celery renders here)
    for report_id in given_up:  # tried MAX_ATTEMPTS times: the requester hears
        _tell_requester(report_id, ready=False)
    for report_id in requeued:
        _enqueue_report(report_id, tell=True)
    return len(requeued)


def _progress_of(ours):
    """The ``progress(done, total, note)`` a kind's ``make`` calls: written at once (the task
    runs outside a transaction), so the status row shows it; at most every half second,
    except the last step."""
    last = [0.0]

    def progress(done: int, total: int, note: str = "") -> None:
        now = time.monotonic()
        if done < total and now - last[0] < 0.5:
            return
        last[0] = now
        ours.update(
            progress_done=max(0, done), progress_total=max(0, total), progress_note=note[:200]
        )

    return progress


def reports_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of reports whose time is up (``ReportKind.keep_days``: the dossier
    export); the row stays, saying so, and the person may ask again. Runs from the beat."""
    now = now or timezone.now()
    due = list(
        Report.objects.filter(expired=False, expires_at__isnull=False, expires_at__lte=now)
        .exclude(file="")
        .values_list("pk", "file")
    )
    storage = Report._meta.get_field("file").storage
    for pk, name in due:
        # the row first: a download that races the sweep finds the report gone, not a file
        # that vanishes under it
        if Report.objects.filter(pk=pk, expired=False).update(expired=True, file=""):
            try:
                storage.delete(name)
            except Exception:
                logger.exception("Could not delete the expired file of report %s", pk)
    Report.objects.filter(expired=False, expires_at__isnull=False, expires_at__lte=now).update(
        expired=True
    )
    return len(due)


def report_downloaded(*, report: Report, user) -> None:
    """The download goes into the audit log of the dossier it is about; an organisation's
    report into that of every school it covers (``ReportKind.audited_in``), in one insert."""
    spec = registry.report_kinds[report.kind]
    detail = report.title + (
        f" ({_('with confidential content')})" if report.include_confidential else ""
    )
    if report.dossier_id is not None:
        audit_record(
            dossier=report.dossier,
            actor=user,
            action=REPORT_DOWNLOADED.key,
            section=spec.section,
            detail=detail,
        )
        return
    audit_record_many(
        actor=user,
        entries=[
            AuditEntry(
                dossier_id=dossier_id,
                action=REPORT_DOWNLOADED.key,
                section=spec.section,
                detail=detail,
            )
            for dossier_id in (spec.audited_in(report) if spec.audited_in else [])
        ],
    )
