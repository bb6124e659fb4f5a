from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dossier.core.access import Section, require_section
from dossier.core.registry import registry
from dossier.rapporten.export import EXPORT
from dossier.rapporten.forms import ReportRequestForm
from dossier.rapporten.models import Report
from dossier.rapporten.services import (
    QUEUE_UNAVAILABLE,
    report_downloaded,
    report_request,
    report_retry,
)
from samenwerking.downloads import attachment


def _report_for_user(user, pk, reference):
    """The report with this reference if it belongs to this dossier and the user may read its
    section; else 404. The reference is random: having it is what lets a reader other than the
    requester open the report."""
    dossier, access = require_section(user, pk, Section.OVERZICHT)
    report = Report.objects.filter(dossier=dossier, reference=reference).first()
    spec = registry.report_kinds.get(report.kind) if report is not None else None
    if spec is None or not spec.for_dossier or not access.can_read(spec.section):
        raise Http404
    report.dossier = dossier
    if spec.check is not None:
        # a reference handed on does not open what the person may not have (the confidential
        # answers of a conversation, for the CLB)
        try:
            spec.check(access, report)
        except (PermissionDenied, ValidationError):
            raise Http404 from None
    return dossier, access, report


def announce_request(request, report: Report) -> None:
    """Tell the person how their request went: ready, being made, failed, or kept while the
    queue is unreachable. For every view that asks for a report."""
    report.refresh_from_db()
    if report.error == QUEUE_UNAVAILABLE:
        messages.error(
            request,
            _(
                "The report could not be put in the queue right now. Your request is "
                "kept: try again in a moment with the “Try again” button."
            ),
        )
    elif report.status == Report.Status.DONE:
        messages.success(
            request,
            _("The export is ready.") if _is_file(report) else _("The report is ready."),
        )
    elif report.status == Report.Status.FAILED:
        messages.error(
            request,
            _("The report could not be made. Try again with the “Try again” button."),
        )
    elif _is_file(report):
        messages.success(request, _("The export is being made. This page shows how far it is."))
    else:
        messages.success(request, _("The report is being made. It appears here when it is ready."))


def _is_file(report: Report) -> bool:
    """A kind that makes its own file (the dossier export) rather than a PDF report."""
    spec = report.spec
    return spec is not None and spec.make is not None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reports(request, pk):
    """The person's reports for this dossier; a POST asks for a new one."""
    dossier, access = require_section(request.user, pk, Section.OVERZICHT)
    kinds = [
        kind
        for kind, spec in registry.dossier_report_kinds().items()
        if access.can_read(spec.section)
    ]
    if not kinds:
        raise Http404
    if request.method == "POST":
        form = ReportRequestForm(request.POST)
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            # a report about one item is asked for from that item's page
            if kind not in kinds or not registry.report_kinds[kind].asked_for_by_year:
                raise Http404
            report = report_request(
                dossier=dossier,
                kind=kind,
                school_year=form.cleaned_data["school_year"],
                requested_by=request.user,
                access=access,
            )
            announce_request(request, report)
            return redirect("rapporten:reports", pk=dossier.pk)
        messages.error(request, _("Choose a school year from the list."))
        return redirect("rapporten:reports", pk=dossier.pk)
    my_reports = Report.objects.filter(
        dossier=dossier, requested_by=request.user, kind__in=kinds
    ).order_by("-created_at")[:20]
    return render(
        request,
        "rapporten/reports.html",
        # the person asked for each of these, so may retry each
        {
            "dossier": dossier,
            "access": access,
            "reports": my_reports,
            "kinds": kinds,
            "may_retry": True,
            # asked for here, by school year
            "jaarverslag_form": (
                ReportRequestForm(initial_kind="jaarverslag") if "jaarverslag" in kinds else None
            ),
            "doorlichting": "doorlichting" in kinds,
            # the directie's export (access.is_directie): how long its file is kept
            "export_keep_days": EXPORT.keep_days,
        },
    )


@login_required
@require_safe
def report_status(request, pk, reference):
    """The report's row; while it is being made the page asks again every two seconds."""
    dossier, access, report = _report_for_user(request.user, pk, reference)
    may_retry = report.requested_by_id == request.user.pk or access.can_write(
        registry.report_kinds[report.kind].section
    )
    return render(
        request,
        "rapporten/_report_row.html",
        {"dossier": dossier, "report": report, "may_retry": may_retry},
    )


def _file_response(request, report: Report, filename: str, back: str) -> HttpResponse:
    return attachment(
        request,
        report.file,
        filename=filename,
        content_type=registry.report_kinds[report.kind].content_type,
        size=report.size,
        downloaded=lambda: report_downloaded(report=report, user=request.user),
        unreadable_to=back,
    )


def _filename(report: Report, owner_code: str) -> str:
    spec = registry.report_kinds[report.kind]
    year = f"-{report.school_year}" if report.school_year else ""
    return f"{spec.filename}-{owner_code}{year}.{spec.extension}"


@login_required
@require_safe
def report_download(request, pk, reference):
    dossier, access, report = _report_for_user(request.user, pk, reference)
    if not report.downloadable:
        raise Http404
    return _file_response(
        request,
        report,
        _filename(report, dossier.school.instellingsnummer),
        reverse("rapporten:reports", kwargs={"pk": dossier.pk}),
    )


@login_required
@require_POST
def report_retry_view(request, pk, reference):
    """Queue a failed or stuck report again: for its requester and whoever writes its section."""
    dossier, access, report = _report_for_user(request.user, pk, reference)
    _retry(request, report, access)
    return redirect("rapporten:reports", pk=dossier.pk)


def _retry(request, report: Report, access) -> None:
    """Queue the report again and say how that went (both retry buttons)."""
    if not report_retry(report=report, user=request.user, access=access):
        messages.info(request, _("This report does not need a retry."))
        return
    report.refresh_from_db()
    if report.error == QUEUE_UNAVAILABLE:
        messages.error(request, _("The queue is still unreachable. Try again in a moment."))
    else:
        messages.success(request, _("The report is being made again."))


# --- an organisation's reports (the CLB's doorlichting) ------------------------------------


def _organisation_report_for_user(user, organisation_id, reference):
    """The organisation's report with this reference, if this person asked for it and still
    passes its kind's check; else 404. An organisation's report is its requester's alone."""
    report = (
        Report.objects.select_related("organisation")
        .filter(organisation_id=organisation_id, reference=reference, requested_by=user.pk)
        .first()
    )
    spec = registry.report_kinds.get(report.kind) if report is not None else None
    if spec is None or spec.for_dossier:
        raise Http404
    try:
        spec.organisation_check(user, report.organisation)
    except (PermissionDenied, ValidationError):
        raise Http404 from None
    return report


@login_required
@require_safe
def organisation_report_status(request, organisation_id, reference):
    report = _organisation_report_for_user(request.user, organisation_id, reference)
    return render(request, "rapporten/_report_row.html", {"report": report, "may_retry": True})


@login_required
@require_safe
def organisation_report_download(request, organisation_id, reference):
    report = _organisation_report_for_user(request.user, organisation_id, reference)
    if not report.downloadable:
        raise Http404
    code = report.organisation.instellingsnummer or str(report.organisation_id)
    # (the doorlichting is the only kind of an organisation's report, and its page lists it)
    back = reverse("rapporten:clb_doorlichting", kwargs={"organisation_id": organisation_id})
    return _file_response(request, report, _filename(report, code), back)


@login_required
@require_POST
def organisation_report_retry(request, organisation_id, reference):
    report = _organisation_report_for_user(request.user, organisation_id, reference)
    _retry(request, report, None)
    return redirect(report.page_url())


# --- the dossier export: the directie's ZIP ---------------------------------------------------


@login_required
@require_POST
def export_request(request, pk):
    """Ask for the dossier export. Only the school's directie has it: for anyone else who opens
    the dossier there is no such button (404)."""
    dossier, access = require_section(request.user, pk, Section.OVERZICHT)
    if not access.is_directie:
        raise Http404
    report = report_request(
        dossier=dossier,
        kind=EXPORT.key,
        school_year="",
        requested_by=request.user,
        access=access,
    )
    announce_request(request, report)
    return redirect(
        f"{reverse('rapporten:reports', kwargs={'pk': dossier.pk})}#report-{report.reference}"
    )
