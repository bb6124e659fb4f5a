"""Writes for dossiers, partnerships and the audit log."""

from __future__ import annotations

import datetime
import logging
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.roles import OrganisationKind
from dossier.models import (
    AfspraakPartij,
    AfspraakVersie,
    AuditEvent,
    Document,
    DocumentVersie,
    Dossier,
    Notification,
    Partnership,
    Report,
    Samenwerkingsafspraak,
    StructureelOverleg,
)
from dossier.pdf import render_pdf
from dossier.report_kinds import REPORT_KINDS
from dossier.uploads import check_upload
from samenwerking.access import Section, section_sides

logger = logging.getLogger(__name__)


def dossier_create(*, school: Organisation) -> Dossier:
    """Each school has exactly one dossier; calling this twice returns the same one."""
    dossier, _created = Dossier.objects.get_or_create(school=school)
    return dossier


def partnership_create(
    *,
    school: Organisation,
    partner: Organisation,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
) -> Partnership:
    with transaction.atomic():
        # Serialise partnership changes per school so two overlapping ones cannot both pass.
        Organisation.objects.select_for_update().filter(pk=school.pk).first()
        partnership = Partnership(
            school=school, partner=partner, start_date=start_date, end_date=end_date
        )
        partnership.full_clean()
        partnership.save()
    return partnership


def partnership_end(*, partnership: Partnership, end_date: datetime.date) -> Partnership:
    """Ending a partnership ends the partner staff's access at once (see the access module)."""
    partnership.end_date = end_date
    partnership.full_clean()
    partnership.save(update_fields=["end_date"])
    return partnership


def audit_record(
    *,
    dossier: Dossier,
    actor,
    action: str,
    section: Section,
    subject_user=None,
    detail: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        dossier=dossier,
        actor=actor,
        action=action,
        section=str(section),
        subject_user=subject_user,
        detail=detail[:300],
    )


# --- reports ---------------------------------------------------------------------------------

QUEUE_UNAVAILABLE = "queue_unavailable"
# A report still "running" after this long lost its worker (the task's hard limit is lower).
STALE_AFTER = datetime.timedelta(minutes=15)
MAX_ATTEMPTS = 3


def report_request(*, dossier: Dossier, kind: str, school_year: str, requested_by) -> Report:
    """Ask for a report. A second request while the first is pending returns the first."""
    from samenwerking.schoolyear import validate_school_year

    if kind not in Report.Kind.values:
        raise ValidationError(_("This kind of report does not exist."))
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


def _enqueue_report(report_id: int) -> None:
    from dossier.tasks import generate_report
    from samenwerking.queue import enqueue

    if not enqueue(generate_report, report_id):
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
        template_name, context = REPORT_KINDS[report.kind].build(report)
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
        action=AuditEvent.Action.REPORT_DOWNLOADED,
        section=REPORT_KINDS[report.kind].section,
        detail=f"{report.get_kind_display()} {report.school_year}",
    )


# --- notifications ---------------------------------------------------------------------------


def notifications_create(*, dossier: Dossier, actor, section: Section, subject: str, url: str):
    """Tell the people with access on the other side(s) of ``section`` about a new entry.

    Written in the same transaction as the entry, so nothing is lost when the queue is down;
    immediate ones are sent by a task after commit, a periodic task catches any left behind.
    """
    from samenwerking.access import SECTION_RULES, DossierAccess, people_with_access, user_flags

    actor_sides = user_flags(actor, dossier).write_sides
    readers = SECTION_RULES[section].reads
    rows = []
    for person in people_with_access(dossier).exclude(pk=actor.pk):
        if person.notification_frequency == User.NotificationFrequency.NONE:
            continue
        sides = DossierAccess.from_flags(person).read_sides & readers
        if sides and not sides & actor_sides:
            rows.append(Notification(user=person, dossier=dossier, subject=subject[:200], url=url))
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created]
    if ids:
        transaction.on_commit(lambda: _enqueue_notifications(ids))
    return created


def _enqueue_notifications(ids: list[int]) -> None:
    from dossier.tasks import send_notifications
    from samenwerking.queue import enqueue

    enqueue(send_notifications, ids)


# --- shared documents --------------------------------------------------------------------------

BIN_DAYS = 30


def document_may_write(user, document: Document) -> bool:
    """School and the partners in the document's audience, with contribute access."""
    return bool(
        section_sides(user, document.dossier, Section.DOCUMENTEN, write=True)
        & document.audience_sides
    )


@transaction.atomic
def document_upload(
    *,
    dossier: Dossier,
    user,
    uploaded,
    title: str,
    kind: str,
    school_year: str,
    for_clb: bool = True,
    for_pbd: bool = False,
    for_lsc: bool = False,
) -> Document:
    """Share a new document; the file is checked by its content before anything is written."""
    from samenwerking.schoolyear import validate_school_year

    checked = check_upload(uploaded)
    validate_school_year(school_year)
    document = Document(
        dossier=dossier,
        title=(title or "").strip(),
        kind=kind,
        school_year=school_year,
        for_clb=for_clb,
        for_pbd=for_pbd,
        for_lsc=for_lsc,
        created_by=user,
    )
    if not document_may_write(user, document):
        raise PermissionDenied(_("You may not share documents with this audience."))
    document.full_clean()
    document.save()
    _add_version(document, user, checked)
    return document


@transaction.atomic
def document_new_version(*, document: Document, user, uploaded) -> DocumentVersie:
    """A new version; the earlier ones stay downloadable."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.deleted_at or not document_may_write(user, document):
        raise PermissionDenied(_("You may not change this document."))
    checked = check_upload(uploaded)
    version = _add_version(document, user, checked)
    document.save(update_fields=["updated_at"])
    return version


def _add_version(document: Document, user, checked) -> DocumentVersie:
    number = (document.versies.aggregate(top=Max("number"))["top"] or 0) + 1
    version = DocumentVersie(
        document=document,
        number=number,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=user,
    )
    version.file.save(checked.name, ContentFile(checked.content), save=False)
    try:
        version.full_clean(exclude=["file"])
        version.save()
    except Exception:
        # Nothing half-written: the stored file goes when its row cannot be written.
        version.file.delete(save=False)
        raise
    return version


@transaction.atomic
def document_delete(*, document: Document, user) -> Document:
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not document_may_write(user, document):
        raise PermissionDenied(_("You may not delete this document."))
    document.deleted_at = timezone.now()
    document.deleted_by = user
    document.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return document


@transaction.atomic
def document_restore(*, document: Document, user) -> Document:
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not document_may_write(user, document):
        raise PermissionDenied(_("You may not restore this document."))
    document.deleted_at = None
    document.deleted_by = None
    document.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return document


def documents_purge_bin(*, now: datetime.datetime | None = None) -> int:
    """Remove documents that have been in the bin for more than 30 days, files included."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=BIN_DAYS)
    expired = Document.objects.filter(deleted_at__lt=cutoff)
    files = list(DocumentVersie.objects.filter(document__in=expired).values_list("file", flat=True))
    count = expired.count()
    with transaction.atomic():
        expired.delete()
    from django.core.files.storage import default_storage

    for name in files:
        if default_storage.exists(name):
            default_storage.delete(name)
    return count


def document_downloaded(*, version: DocumentVersie, user) -> None:
    audit_record(
        dossier=version.document.dossier,
        actor=user,
        action=AuditEvent.Action.DOCUMENT_DOWNLOADED,
        section=Section.DOCUMENTEN,
        detail=f"{version.document.title} v{version.number}"[:300],
    )


# --- samenwerkingsafspraken ------------------------------------------------------------------


def partner_organisations(dossier: Dossier) -> dict[str, list[Organisation]]:
    """The school and its current partners per kind, the organisations an agreement can bind."""
    result: dict[str, list[Organisation]] = {OrganisationKind.SCHOOL: [dossier.school]}
    for partnership in (
        Partnership.objects.active_on()
        .filter(school_id=dossier.school_id)
        .select_related("partner")
    ):
        result.setdefault(partnership.partner_kind, []).append(partnership.partner)
    return result


def _agreement_writer_sides(user, dossier) -> frozenset[str]:
    return section_sides(user, dossier, Section.AFSPRAKEN, write=True)


def _validate_parties(dossier: Dossier, parties: dict[str, tuple[Organisation, str]]) -> None:
    available = partner_organisations(dossier)
    if OrganisationKind.SCHOOL not in parties or len(parties) < 2:
        raise ValidationError(_("An agreement binds the school and at least one partner."))
    for kind, (organisation, responsibilities) in parties.items():
        if organisation not in available.get(kind, []):
            raise ValidationError(
                _("%(org)s is not a current partner of this school.") % {"org": organisation}
            )
        if not (responsibilities or "").strip():
            raise ValidationError(
                _("Say what %(org)s does under this agreement.") % {"org": organisation.name}
            )


def _write_version(afspraak, user, summary: str, parties) -> AfspraakVersie:
    number = (afspraak.versies.aggregate(top=Max("number"))["top"] or 0) + 1
    version = AfspraakVersie(
        afspraak=afspraak, number=number, summary=(summary or "").strip(), created_by=user
    )
    version.full_clean()
    version.save()
    for kind, (organisation, responsibilities) in parties.items():
        AfspraakPartij.objects.create(
            versie=version,
            kind=kind,
            organisation=organisation,
            responsibilities=responsibilities.strip(),
        )
    afspraak.for_clb = OrganisationKind.CLB in parties
    afspraak.for_pbd = OrganisationKind.PBD in parties
    afspraak.for_lsc = OrganisationKind.LSC in parties
    return version


@transaction.atomic
def afspraak_create(
    *, dossier: Dossier, user, title: str, topic: str, evaluation_date, summary: str, parties
) -> Samenwerkingsafspraak:
    """Draft an agreement; ``parties`` maps a partner kind to (organisation, what it does)."""
    _validate_parties(dossier, parties)
    if not _agreement_writer_sides(user, dossier) & set(parties):
        raise PermissionDenied(_("You can only draft agreements that bind your own organisation."))
    afspraak = Samenwerkingsafspraak(
        dossier=dossier,
        title=(title or "").strip(),
        topic=topic,
        evaluation_date=evaluation_date,
        created_by=user,
    )
    afspraak.full_clean()
    afspraak.save()
    _write_version(afspraak, user, summary, parties)
    afspraak.save(update_fields=["for_clb", "for_pbd", "for_lsc"])
    return afspraak


@transaction.atomic
def afspraak_change(
    *,
    afspraak: Samenwerkingsafspraak,
    user,
    title: str,
    topic: str,
    evaluation_date,
    summary: str,
    parties,
) -> Samenwerkingsafspraak:
    """Change an agreement: a new version that every bound partner approves again."""
    afspraak = Samenwerkingsafspraak.objects.select_for_update().get(pk=afspraak.pk)
    if not _agreement_writer_sides(user, afspraak.dossier) & afspraak.audience_sides:
        raise PermissionDenied(_("Only the partners an agreement binds can change it."))
    _validate_parties(afspraak.dossier, parties)
    afspraak.title, afspraak.topic = (title or "").strip(), topic
    afspraak.evaluation_date = evaluation_date
    afspraak.status = Samenwerkingsafspraak.Status.DRAFT
    afspraak.reminded_at = None
    afspraak.full_clean()
    _write_version(afspraak, user, summary, parties)
    afspraak.save()
    return afspraak


def current_version(afspraak: Samenwerkingsafspraak) -> AfspraakVersie:
    return afspraak.versies.order_by("-number").prefetch_related("partijen__organisation").first()


@transaction.atomic
def afspraak_approve(*, afspraak: Samenwerkingsafspraak, user) -> list[AfspraakPartij]:
    """The person approves for their own side; once every partner has, the agreement holds."""
    afspraak = Samenwerkingsafspraak.objects.select_for_update().get(pk=afspraak.pk)
    version = current_version(afspraak)
    sides = _agreement_writer_sides(user, afspraak.dossier)
    pending = [p for p in version.partijen.all() if p.kind in sides and p.approved_at is None]
    if not pending:
        raise ValidationError(_("There is nothing left for you to approve in this version."))
    now = timezone.now()
    for partij in pending:
        partij.approved_by, partij.approved_at = user, now
        partij.save(update_fields=["approved_by", "approved_at"])
        audit_record(
            dossier=afspraak.dossier,
            actor=user,
            action=AuditEvent.Action.AGREEMENT_APPROVED,
            section=Section.AFSPRAKEN,
            detail=f"{afspraak.title} v{version.number} – {partij.organisation.name}"[:300],
        )
    if not version.partijen.filter(approved_at__isnull=True).exists():
        afspraak.status = Samenwerkingsafspraak.Status.APPROVED
        afspraak.save(update_fields=["status", "updated_at"])
    return pending


@transaction.atomic
def afspraak_set_status(
    *, afspraak: Samenwerkingsafspraak, user, status: str
) -> Samenwerkingsafspraak:
    """Mark an approved agreement as evaluated or expired (or due for evaluation)."""
    allowed = {
        Samenwerkingsafspraak.Status.TO_EVALUATE,
        Samenwerkingsafspraak.Status.EVALUATED,
        Samenwerkingsafspraak.Status.EXPIRED,
    }
    afspraak = Samenwerkingsafspraak.objects.select_for_update().get(pk=afspraak.pk)
    if not _agreement_writer_sides(user, afspraak.dossier) & afspraak.audience_sides:
        raise PermissionDenied(_("Only the partners an agreement binds can change it."))
    if status not in allowed:
        raise ValidationError(_("Choose to evaluate, evaluated or expired."))
    if afspraak.status == Samenwerkingsafspraak.Status.DRAFT:
        raise ValidationError(_("Every partner must approve the agreement first."))
    afspraak.status = status
    afspraak.save(update_fields=["status", "updated_at"])
    return afspraak


def afspraken_remind(*, today: datetime.date | None = None, days_ahead: int = 30) -> int:
    """Agreements whose evaluation nears become "to evaluate", and their partners hear of it."""
    from django.urls import reverse

    today = today or timezone.localdate()
    due = Samenwerkingsafspraak.objects.filter(
        status=Samenwerkingsafspraak.Status.APPROVED,
        reminded_at__isnull=True,
        evaluation_date__lte=today + datetime.timedelta(days=days_ahead),
    ).select_related("dossier__school", "created_by")
    count = 0
    for afspraak in due:
        with transaction.atomic():
            updated = Samenwerkingsafspraak.objects.filter(
                pk=afspraak.pk, reminded_at__isnull=True
            ).update(status=Samenwerkingsafspraak.Status.TO_EVALUATE, reminded_at=timezone.now())
            if not updated:
                continue
            _notify_parties(
                afspraak,
                _("Time to evaluate the agreement: %(title)s (by %(date)s)")
                % {"title": afspraak.title, "date": afspraak.evaluation_date.strftime("%d/%m/%Y")},
                reverse(
                    "dossier:afspraak_detail",
                    kwargs={"pk": afspraak.dossier_id, "afspraak_pk": afspraak.pk},
                ),
            )
            count += 1
    return count


def _notify_parties(afspraak, subject: str, url: str) -> None:
    """Everyone with access on a side the agreement binds gets a notification."""
    from samenwerking.access import DossierAccess, people_with_access

    rows = []
    for person in people_with_access(afspraak.dossier):
        if person.notification_frequency == User.NotificationFrequency.NONE:
            continue
        if DossierAccess.from_flags(person).read_sides & afspraak.audience_sides:
            rows.append(
                Notification(user=person, dossier=afspraak.dossier, subject=subject[:200], url=url)
            )
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created]
    if ids:
        transaction.on_commit(lambda: _enqueue_notifications(ids))


# --- structureel overleg -----------------------------------------------------------------------


def overleg_may_write(user, dossier: Dossier, overleg: StructureelOverleg | None = None) -> bool:
    """The school writes the meeting record; so does the partner who keeps its minutes."""
    from samenwerking.access import user_flags

    sides = user_flags(user, dossier).write_sides
    if OrganisationKind.SCHOOL in sides:
        return True
    return bool(overleg and overleg.minutes_keeper in sides)


@transaction.atomic
def overleg_save(
    *,
    dossier: Dossier,
    user,
    overleg: StructureelOverleg | None = None,
    documents=(),
    afspraken=(),
    **fields,
) -> StructureelOverleg:
    if not overleg_may_write(user, dossier, overleg):
        raise PermissionDenied(
            _("Only the school, or the partner who keeps the minutes, records the meeting.")
        )
    if any(d.dossier_id != dossier.pk for d in documents) or any(
        a.dossier_id != dossier.pk for a in afspraken
    ):
        raise ValidationError(_("Link only documents and agreements of this dossier."))
    overleg = overleg or StructureelOverleg(dossier=dossier, created_by=user)
    for key, value in fields.items():
        setattr(overleg, key, value.strip() if isinstance(value, str) else value)
    if overleg.next_meeting_date and overleg.next_meeting_date <= overleg.date:
        raise ValidationError({"next_meeting_date": _("The next meeting comes after this one.")})
    overleg.full_clean()
    overleg.save()
    overleg.documents.set(documents)
    overleg.afspraken.set(afspraken)
    return overleg
