from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossier.forms import DossierSearchForm, ReportRequestForm
from dossier.models import Report
from dossier.report_kinds import REPORT_KINDS
from dossier.selectors import (
    dossier_list_for_user,
    dossier_partnerships,
    dossier_people,
    dossier_recent_activity,
)
from dossier.services import QUEUE_UNAVAILABLE, report_downloaded, report_request, report_retry
from samenwerking.access import Section, require_section
from signalen.selectors import recent_signals

PAGE_SIZE = 25


@login_required
@require_GET
def mijn_dossiers(request):
    form = DossierSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(dossier_list_for_user(request.user, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    querystring = urlencode({"q": query}) if query else ""
    context = {"form": form, "page": page, "query": query, "querystring": querystring}
    if request.htmx and request.htmx.target == "dossier-results":
        return render(request, "dossier/_dossier_list.html", context)
    return render(request, "dossier/mijn_dossiers.html", context)


@login_required
@require_GET
def dossier_overview(request, pk):
    dossier, access = require_section(request.user, pk, Section.OVERZICHT)
    current, earlier = dossier_partnerships(dossier)
    return render(
        request,
        "dossier/overview.html",
        {
            "dossier": dossier,
            "access": access,
            "current_partners": current,
            "earlier_partners": earlier,
            "people": dossier_people(dossier),
            "activity": dossier_recent_activity(dossier, access),
            "recent_signals": recent_signals(dossier)
            if access.can_read(Section.SIGNALEN)
            else None,
        },
    )


# --- reports ---------------------------------------------------------------------------------


def _report_for_user(user, pk, report_pk):
    """The report if it belongs to this dossier and the user may read its section; else 404."""
    dossier, access = require_section(user, pk, Section.OVERZICHT)
    report = Report.objects.filter(dossier=dossier, pk=report_pk).first()
    if report is None or not access.can_read(REPORT_KINDS[report.kind].section):
        raise Http404
    report.dossier = dossier
    return dossier, access, report


@login_required
@require_http_methods(["GET", "POST"])
def reports(request, pk):
    """The person's reports for this dossier; a POST asks for a new one."""
    dossier, access = require_section(request.user, pk, Section.OVERZICHT)
    kinds = [kind for kind, spec in REPORT_KINDS.items() if access.can_read(spec.section)]
    if not kinds:
        raise Http404
    if request.method == "POST":
        form = ReportRequestForm(request.POST)
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            if kind not in kinds:
                raise Http404
            report = report_request(
                dossier=dossier,
                kind=kind,
                school_year=form.cleaned_data["school_year"],
                requested_by=request.user,
            )
            report.refresh_from_db()
            if report.error == QUEUE_UNAVAILABLE:
                messages.error(
                    request,
                    _(
                        "The report could not be put in the queue right now. Your request is "
                        "kept: try again in a moment with the retry button."
                    ),
                )
            else:
                messages.success(
                    request, _("The report is being made. It appears here when it is ready.")
                )
            return redirect("dossier:reports", pk=dossier.pk)
        messages.error(request, _("Choose a school year from the list."))
        return redirect("dossier:reports", pk=dossier.pk)
    my_reports = Report.objects.filter(
        dossier=dossier, requested_by=request.user, kind__in=kinds
    ).order_by("-created_at")[:20]
    return render(
        request,
        "dossier/reports.html",
        {"dossier": dossier, "access": access, "reports": my_reports, "kinds": kinds},
    )


@login_required
@require_GET
def report_status(request, pk, report_pk):
    """The report's row; while it is being made the page asks again every two seconds."""
    dossier, access, report = _report_for_user(request.user, pk, report_pk)
    return render(request, "dossier/_report_row.html", {"dossier": dossier, "report": report})


@login_required
@require_GET
def report_download(request, pk, report_pk):
    dossier, access, report = _report_for_user(request.user, pk, report_pk)
    if report.status != Report.Status.DONE or not report.file:
        raise Http404
    report_downloaded(report=report, user=request.user)
    filename = (
        f"{REPORT_KINDS[report.kind].filename}-{dossier.school.instellingsnummer}-"
        f"{report.school_year}.pdf"
    )
    response = FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def report_retry_view(request, pk, report_pk):
    dossier, access, report = _report_for_user(request.user, pk, report_pk)
    if report.status != Report.Status.FAILED:
        messages.info(request, _("This report does not need a retry."))
    else:
        report = report_retry(report=report)
        if report.error == QUEUE_UNAVAILABLE:
            messages.error(request, _("The queue is still unreachable. Try again in a moment."))
        else:
            messages.success(request, _("The report is being made again."))
    return redirect("dossier:reports", pk=dossier.pk)


@login_required
@require_GET
def zoeken(request):
    """One search box over consultation notes and signals in every dossier the person may read."""
    from consultatie.forms import SearchForm
    from consultatie.selectors import search_notes
    from samenwerking.search import highlight
    from signalen.selectors import search_signals

    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = []
    if query:
        for note in search_notes(request.user, query):
            results.append(
                {
                    "kind": "consultatie",
                    "rank": note.rank,
                    "title": f"{note.date:%d/%m/%Y} · {note.label}",
                    "school": note.dossier.school.name,
                    "excerpt": highlight(note.search_text, query),
                    "url": reverse(
                        "consultatie:detail", kwargs={"pk": note.dossier_id, "note_pk": note.pk}
                    ),
                    "themes": [t.name for t in note.themas.all()],
                }
            )
        for signaal in search_signals(request.user, query):
            results.append(
                {
                    "kind": "signaal",
                    "rank": signaal.rank,
                    "title": signaal.title,
                    "school": signaal.dossier.school.name,
                    "excerpt": highlight(signaal.search_text, query),
                    "url": reverse(
                        "signalen:detail",
                        kwargs={"pk": signaal.dossier_id, "signaal_pk": signaal.pk},
                    ),
                    "themes": [signaal.thema.name],
                }
            )
        results.sort(key=lambda r: r["rank"], reverse=True)
    status = 200 if form.is_valid() or not form.is_bound else 400
    return render(
        request,
        "dossier/zoeken.html",
        {"form": form, "query": query, "results": results},
        status=status,
    )
