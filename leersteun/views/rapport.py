"""The samenwerkingsgesprek's PDF: asked for here, made by the report pipeline."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from dossier.rapporten.services import report_request
from dossier.rapporten.views import announce_request
from leersteun.reports import GESPREK_REPORT
from leersteun.selectors.gesprek import gesprek_get, sees_confidential


@login_required
@require_POST
def gesprek_report(request, pk, gesprek_pk):
    """Ask for the conversation's report, with its confidential answers if the person ticked
    it and is on the school's or the LSC's side (anyone else asking for them: 403). Then on to
    the reports page, which follows the report until it can be downloaded."""
    dossier, access, gesprek = gesprek_get(request.user, pk=pk, gesprek_pk=gesprek_pk)
    include_confidential = request.POST.get("include_confidential") in ("1", "on", "true")
    if include_confidential and not sees_confidential(access):
        raise PermissionDenied
    report = report_request(
        dossier=dossier,
        kind=GESPREK_REPORT.key,
        school_year=gesprek.school_year,
        requested_by=request.user,
        access=access,
        subject_id=gesprek.pk,
        include_confidential=include_confidential,
    )
    announce_request(request, report)
    return redirect("rapporten:reports", pk=dossier.pk)
