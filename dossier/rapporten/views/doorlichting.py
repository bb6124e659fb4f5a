"""The doorlichting's pages: one school's (its reports tab) and a CLB's across its schools."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import Organisation
from accounts.roles import OrganisationKind
from dossier.core.access import require_section
from dossier.core.access.organisations import require_doorlichting_reader
from dossier.core.registry import registry
from dossier.core.services import AuditEntry, audit_record, audit_record_many
from dossier.rapporten.doorlichting import (
    DOORLICHTING,
    DOORLICHTING_CLB,
    DOORLICHTING_CSV,
    SECTION,
    clb_tables,
    school_chapters,
)
from dossier.rapporten.models import Report
from dossier.rapporten.services import organisation_report_request, report_request
from dossier.rapporten.views import announce_request
from samenwerking.csvcells import csv_response, safe_row
from samenwerking.schoolyear import filter_school_years, is_school_year, school_year_of


def _chosen_year(request) -> tuple[str, list[tuple[str, str]]]:
    """The school year asked for (``schooljaar``, in the GET or POST), else today's; with the
    choices. Something else than one of the choices says so and shows today's."""
    today = timezone.localdate()
    choices = filter_school_years(today)
    value = (request.POST if request.method == "POST" else request.GET).get("schooljaar")
    if value is None or value == "":
        return school_year_of(today), choices
    if not is_school_year(value) or value not in {year for year, _label in choices}:
        messages.error(request, _("Choose a school year from the list."))
        return school_year_of(today), choices
    return value, choices


def _csv(header, rows, filename: str):
    """One part of a doorlichting as the house's CSV download."""
    response, writer = csv_response(filename)
    writer.writerow(safe_row(header))
    writer.writerows(safe_row(row) for row in rows)
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def doorlichting(request, pk):
    """A school year of the signaalfunctie and the consultations of this school, for the
    school and its CLB; a POST asks for the PDF."""
    dossier, access = require_section(request.user, pk, SECTION)
    school_year, choices = _chosen_year(request)
    page = (
        f"{reverse('rapporten:doorlichting', kwargs={'pk': dossier.pk})}?schooljaar={school_year}"
    )
    if request.method == "POST":
        if request.POST.get("schooljaar") != school_year:
            return redirect(page)
        report = report_request(
            dossier=dossier,
            kind=DOORLICHTING.key,
            school_year=school_year,
            requested_by=request.user,
            access=access,
        )
        announce_request(request, report)
        return redirect(page)
    reports = Report.objects.filter(
        dossier=dossier, requested_by=request.user, kind=DOORLICHTING.key
    ).order_by("-created_at")[:5]
    return render(
        request,
        "rapporten/doorlichting.html",
        {
            "dossier": dossier,
            "access": access,
            "school_year": school_year,
            "choices": choices,
            "chapters": school_chapters(dossier, access, school_year),
            "reports": reports,
            "may_retry": True,
        },
    )


@login_required
@require_safe
def doorlichting_csv(request, pk, part):
    """One part of a school's doorlichting as CSV; the download goes into the audit log."""
    dossier, access = require_section(request.user, pk, SECTION)
    spec = registry.doorlichting_parts.get(part)
    if spec is None or not access.can_read(spec.section):
        raise Http404
    school_year = request.GET.get("schooljaar", "")
    if not is_school_year(school_year):
        messages.error(request, _("Choose a school year from the list."))
        return redirect("rapporten:doorlichting", pk=dossier.pk)
    chapter = next(
        chapter for chapter in school_chapters(dossier, access, school_year) if chapter.key == part
    )
    if request.method == "GET":
        audit_record(
            dossier=dossier,
            actor=request.user,
            action=DOORLICHTING_CSV.key,
            section=spec.section,
            detail=f"{spec.label} {school_year}",
        )
    return _csv(
        *chapter.csv,
        f"doorlichting-{spec.filename}-{dossier.school.instellingsnummer}-{school_year}.csv",
    )


def _clb(request, organisation_id) -> Organisation:
    require_doorlichting_reader(request.user, organisation_id)
    return get_object_or_404(Organisation, pk=organisation_id, kind=OrganisationKind.CLB)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def clb_doorlichting(request, organisation_id):
    """The CLB directeur's doorlichting across the CLB's schools: figures per school, never an
    item's content; a POST asks for the PDF."""
    organisation = _clb(request, organisation_id)
    school_year, choices = _chosen_year(request)
    page = (
        f"{reverse('rapporten:clb_doorlichting', kwargs={'organisation_id': organisation.pk})}"
        f"?schooljaar={school_year}"
    )
    if request.method == "POST":
        if request.POST.get("schooljaar") != school_year:
            return redirect(page)
        report = organisation_report_request(
            organisation=organisation,
            kind=DOORLICHTING_CLB.key,
            school_year=school_year,
            requested_by=request.user,
        )
        announce_request(request, report)
        return redirect(page)
    schools, tables = clb_tables(organisation, school_year)
    reports = Report.objects.filter(
        organisation=organisation, requested_by=request.user, kind=DOORLICHTING_CLB.key
    ).order_by("-created_at")[:5]
    return render(
        request,
        "rapporten/doorlichting_clb.html",
        {
            "organisation": organisation,
            "school_year": school_year,
            "choices": choices,
            "schools": schools,
            "tables": tables,
            "reports": reports,
            "may_retry": True,
        },
    )


@login_required
@require_safe
def clb_doorlichting_csv(request, organisation_id, part):
    """One part of the CLB's doorlichting as CSV, a row per school; its download goes into the
    audit log of every school in it."""
    organisation = _clb(request, organisation_id)
    spec = registry.doorlichting_parts.get(part)
    if spec is None:
        raise Http404
    school_year = request.GET.get("schooljaar", "")
    try:
        schools, tables = clb_tables(organisation, school_year)
    except ValidationError:
        messages.error(request, _("Choose a school year from the list."))
        return redirect("rapporten:clb_doorlichting", organisation_id=organisation.pk)
    table = next(table for table in tables if table.key == part)
    if request.method == "GET":
        detail = f"{DOORLICHTING_CLB.label}: {spec.label} {school_year} (CSV)"
        audit_record_many(
            actor=request.user,
            entries=[
                AuditEntry(
                    dossier_id=school.dossier_id,
                    action=DOORLICHTING_CSV.key,
                    section=spec.section,
                    detail=detail,
                )
                for school in schools
            ],
        )
    code = organisation.instellingsnummer or str(organisation.pk)
    return _csv(*table.csv(), f"doorlichting-clb-{spec.filename}-{code}-{school_year}.csv")
