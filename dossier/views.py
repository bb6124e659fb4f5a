from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossier.forms import (
    AfspraakForm,
    AfspraakStatusForm,
    DocumentFilterForm,
    DocumentForm,
    DossierSearchForm,
    OverlegForm,
    ReportRequestForm,
    VersionForm,
)
from dossier.models import Report, Samenwerkingsafspraak
from dossier.report_kinds import REPORT_KINDS
from dossier.selectors import (
    afspraak_get,
    afspraken_due,
    afspraken_for,
    audience_q,
    document_get,
    documents_for,
    dossier_list_for_user,
    dossier_partnerships,
    dossier_people,
    dossier_recent_activity,
    overleg_get,
    overleggen_for,
)
from dossier.services import (
    BIN_DAYS,
    QUEUE_UNAVAILABLE,
    afspraak_approve,
    afspraak_change,
    afspraak_create,
    afspraak_set_status,
    document_delete,
    document_downloaded,
    document_may_write,
    document_new_version,
    document_restore,
    document_upload,
    overleg_may_write,
    overleg_save,
    partner_organisations,
    report_downloaded,
    report_request,
    report_retry,
)
from samenwerking.access import Section, require_section
from samenwerking.forms import apply_validation_error
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
            "agreements_due": afspraken_due(dossier, access),
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
                        "kept: try again in a moment with the “Try again” button."
                    ),
                )
            elif report.status == Report.Status.DONE:
                messages.success(request, _("The report is ready."))
            elif report.status == Report.Status.FAILED:
                messages.error(
                    request,
                    _("The report could not be made. Try again with the “Try again” button."),
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


# --- shared documents ------------------------------------------------------------------------


def _doc_list_context(request, dossier, access, *, deleted=False):
    form = DocumentFilterForm(request.GET or None)
    documents = documents_for(dossier, access, deleted=deleted)
    valid = not form.is_bound or form.is_valid()
    if form.is_bound and valid:
        documents = form.filter(documents)
    page = Paginator(documents if valid else documents.none(), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "dossier": dossier,
        "access": access,
        "filter_form": form,
        "page": page,
        "querystring": query.urlencode(),
        "can_write": access.can_write(Section.DOCUMENTEN),
        "bin_days": BIN_DAYS,
    }, valid


@login_required
@require_GET
def document_list(request, pk):
    dossier, access = require_section(request.user, pk, Section.DOCUMENTEN)
    context, valid = _doc_list_context(request, dossier, access)
    return render(request, "dossier/documents.html", context, status=200 if valid else 400)


@login_required
@require_GET
def document_bin(request, pk):
    dossier, access = require_section(request.user, pk, Section.DOCUMENTEN, write=True)
    context, valid = _doc_list_context(request, dossier, access, deleted=True)
    return render(request, "dossier/document_bin.html", context, status=200 if valid else 400)


@login_required
@require_http_methods(["GET", "POST"])
def document_upload_view(request, pk):
    dossier, access = require_section(request.user, pk, Section.DOCUMENTEN, write=True)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = document_upload(
                dossier=dossier,
                user=request.user,
                uploaded=data["file"],
                title=data["title"],
                kind=data["kind"],
                school_year=data["school_year"],
                for_clb=data["for_clb"],
                for_pbd=data["for_pbd"],
                for_lsc=data["for_lsc"],
            )
        except ValidationError as exc:
            apply_validation_error_to(form, exc, field="file")
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The document has been shared."))
            return redirect("dossier:document_detail", pk=dossier.pk, document_pk=document.pk)
    return render(
        request,
        "dossier/document_form.html",
        {"dossier": dossier, "access": access, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_detail(request, pk, document_pk):
    write = request.method == "POST"
    # a document in the bin opens too, to be restored from there
    dossier, access, document = document_get(
        request.user, pk=pk, document_pk=document_pk, write=write, deleted=None
    )
    may_write = document_may_write(request.user, document)
    form = VersionForm(request.POST or None, request.FILES or None)
    if write:
        if not may_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                document_new_version(
                    document=document, user=request.user, uploaded=form.cleaned_data["file"]
                )
            except ValidationError as exc:
                apply_validation_error_to(form, exc, field="file")
            else:
                messages.success(request, _("The new version has been added."))
                return redirect("dossier:document_detail", pk=dossier.pk, document_pk=document.pk)
    return render(
        request,
        "dossier/document_detail.html",
        {
            "dossier": dossier,
            "access": access,
            "document": document,
            "form": form,
            "may_write": may_write,
        },
        status=400 if write else 200,
    )


@login_required
@require_GET
def document_download(request, pk, document_pk, version_pk):
    dossier, access, document = document_get(request.user, pk=pk, document_pk=document_pk)
    version = next((v for v in document.versies.all() if v.pk == version_pk), None)
    if version is None:
        raise Http404
    version.document = document
    document_downloaded(version=version, user=request.user)
    response = FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=version.original_name,
        content_type=version.content_type,
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def document_delete_view(request, pk, document_pk):
    dossier, access, document = document_get(
        request.user, pk=pk, document_pk=document_pk, write=True
    )
    if not document_may_write(request.user, document):
        raise PermissionDenied
    document_delete(document=document, user=request.user)
    messages.success(
        request,
        _("The document is in the bin. It can be restored for %(days)d days.") % {"days": BIN_DAYS},
    )
    return redirect("dossier:documents", pk=dossier.pk)


@login_required
@require_POST
def document_restore_view(request, pk, document_pk):
    dossier, access, document = document_get(
        request.user, pk=pk, document_pk=document_pk, write=True, deleted=True
    )
    if not document_may_write(request.user, document):
        raise PermissionDenied
    document_restore(document=document, user=request.user)
    messages.success(request, _("The document has been restored."))
    return redirect("dossier:document_detail", pk=dossier.pk, document_pk=document.pk)


def apply_validation_error_to(form, exc: ValidationError, *, field: str) -> None:
    """An upload's refusal belongs to the file field."""
    if hasattr(exc, "error_dict"):
        apply_validation_error(form, exc)
    else:
        for message in exc.messages:
            form.add_error(field, message)


# --- samenwerkingsafspraken ----------------------------------------------------------------------


@login_required
@require_GET
def afspraak_list(request, pk):
    dossier, access = require_section(request.user, pk, Section.AFSPRAKEN)
    afspraken = list(afspraken_for(dossier, access).order_by("evaluation_date", "pk"))
    for afspraak in afspraken:
        afspraak.current = afspraak.versies.all()[0] if afspraak.versies.all() else None
    return render(
        request,
        "dossier/afspraken.html",
        {
            "dossier": dossier,
            "access": access,
            "afspraken": afspraken,
            "can_write": access.can_write(Section.AFSPRAKEN),
            "today": timezone.localdate(),
        },
    )


def _afspraak_form(request, dossier, access, *, afspraak=None, version=None):
    organisations = partner_organisations(dossier)
    initial = AfspraakForm.initial_from(afspraak, version) if afspraak else None
    form = AfspraakForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "title": data["title"],
            "topic": data["topic"],
            "evaluation_date": data["evaluation_date"],
            "summary": data["summary"],
            "parties": form.parties(dossier.school),
        }
        try:
            if afspraak is None:
                afspraak = afspraak_create(dossier=dossier, user=request.user, **fields)
                messages.success(
                    request, _("The agreement has been drafted. Each partner now approves it.")
                )
            else:
                afspraak_change(afspraak=afspraak, user=request.user, **fields)
                messages.success(
                    request, _("A new version has been made. Each partner approves it again.")
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("dossier:afspraak_detail", pk=dossier.pk, afspraak_pk=afspraak.pk)
    return render(
        request,
        "dossier/afspraak_form.html",
        {"dossier": dossier, "access": access, "form": form, "afspraak": afspraak},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def afspraak_create_view(request, pk):
    dossier, access = require_section(request.user, pk, Section.AFSPRAKEN, write=True)
    return _afspraak_form(request, dossier, access)


@login_required
@require_http_methods(["GET", "POST"])
def afspraak_change_view(request, pk, afspraak_pk):
    dossier, access, afspraak = afspraak_get(
        request.user, pk=pk, afspraak_pk=afspraak_pk, write=True
    )
    return _afspraak_form(
        request, dossier, access, afspraak=afspraak, version=afspraak.versies.all()[0]
    )


@login_required
@require_GET
def afspraak_detail(request, pk, afspraak_pk):
    dossier, access, afspraak = afspraak_get(request.user, pk=pk, afspraak_pk=afspraak_pk)
    versions = list(afspraak.versies.all())
    current = versions[0]
    my_sides = access.write_sides
    can_approve = any(p.kind in my_sides and p.approved_at is None for p in current.partijen.all())
    return render(
        request,
        "dossier/afspraak_detail.html",
        {
            "dossier": dossier,
            "access": access,
            "afspraak": afspraak,
            "current": current,
            "earlier": versions[1:],
            "can_approve": can_approve,
            "can_change": bool(my_sides & afspraak.audience_sides),
            "status_form": AfspraakStatusForm(),
        },
    )


@login_required
@require_POST
def afspraak_approve_view(request, pk, afspraak_pk):
    dossier, access, afspraak = afspraak_get(
        request.user, pk=pk, afspraak_pk=afspraak_pk, write=True
    )
    try:
        approved = afspraak_approve(afspraak=afspraak, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        names = ", ".join(p.organisation.name for p in approved)
        messages.success(request, _("Approved for %(names)s.") % {"names": names})
    return redirect("dossier:afspraak_detail", pk=dossier.pk, afspraak_pk=afspraak.pk)


@login_required
@require_POST
def afspraak_status_view(request, pk, afspraak_pk):
    dossier, access, afspraak = afspraak_get(
        request.user, pk=pk, afspraak_pk=afspraak_pk, write=True
    )
    form = AfspraakStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
    else:
        try:
            afspraak_set_status(
                afspraak=afspraak, user=request.user, status=form.cleaned_data["status"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The status has been changed."))
    return redirect("dossier:afspraak_detail", pk=dossier.pk, afspraak_pk=afspraak.pk)


# --- structureel overleg ---------------------------------------------------------------------


@login_required
@require_GET
def overleg_list(request, pk):
    dossier, access = require_section(request.user, pk, Section.OVERLEG)
    page = Paginator(overleggen_for(dossier), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "dossier/overleggen.html",
        {
            "dossier": dossier,
            "access": access,
            "page": page,
            "can_write": overleg_may_write(request.user, dossier),
        },
    )


def _overleg_form(request, dossier, access, overleg=None):
    documents = documents_for(dossier, access)
    afspraken = Samenwerkingsafspraak.objects.filter(audience_q(access.read_sides), dossier=dossier)
    initial = None
    if overleg:
        initial = {
            field: getattr(overleg, field)
            for field in (
                "date",
                "school_participants",
                "clb_participants",
                "pbd_participants",
                "lsc_participants",
                "data_reflected_on",
                "agenda",
                "decisions",
                "next_meeting_date",
                "minutes_keeper",
            )
        }
        initial["documents"] = list(overleg.documents.all())
        initial["afspraken"] = list(overleg.afspraken.all())
    form = OverlegForm(
        request.POST or None, documents=documents, afspraken=afspraken, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        linked_documents = list(data.pop("documents"))
        linked_afspraken = list(data.pop("afspraken"))
        try:
            overleg = overleg_save(
                dossier=dossier,
                user=request.user,
                overleg=overleg,
                documents=linked_documents,
                afspraken=linked_afspraken,
                **data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The meeting has been recorded."))
            return redirect("dossier:overleg_detail", pk=dossier.pk, overleg_pk=overleg.pk)
    return render(
        request,
        "dossier/overleg_form.html",
        {"dossier": dossier, "access": access, "form": form, "overleg": overleg},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def overleg_create(request, pk):
    dossier, access = require_section(request.user, pk, Section.OVERLEG)
    if not overleg_may_write(request.user, dossier):
        raise PermissionDenied
    return _overleg_form(request, dossier, access)


@login_required
@require_http_methods(["GET", "POST"])
def overleg_edit(request, pk, overleg_pk):
    dossier, access, overleg = overleg_get(request.user, pk=pk, overleg_pk=overleg_pk)
    if not overleg_may_write(request.user, dossier, overleg):
        raise PermissionDenied
    return _overleg_form(request, dossier, access, overleg)


@login_required
@require_GET
def overleg_detail(request, pk, overleg_pk):
    dossier, access, overleg = overleg_get(request.user, pk=pk, overleg_pk=overleg_pk)
    return render(
        request,
        "dossier/overleg_detail.html",
        {
            "dossier": dossier,
            "access": access,
            "overleg": overleg,
            "can_write": overleg_may_write(request.user, dossier, overleg),
        },
    )
