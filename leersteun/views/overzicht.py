"""The ankerpersoon's overview across the LSC's partner schools, and starting many at once."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Organisation
from accounts.roles import OrganisationKind
from dossier.core.access import user_flags
from dossier.core.access.organisations import require_lsc_staff
from leersteun.forms.overzicht import OverzichtFilter, StartForm
from leersteun.selectors.overzicht import (
    NOT_STARTED,
    Years,
    overview_rows,
    partner_counts,
    status_label,
)
from leersteun.services.gesprek import lsc_of
from leersteun.services.overzicht import gesprekken_start
from samenwerking.listing import page_of, querystring_without_page

# An LSC works with some 20 to 60 schools: one page holds them all.
PAGE_SIZE = 100


def _lsc(request, lsc_pk: int) -> Organisation:
    require_lsc_staff(request.user, lsc_pk)
    return get_object_or_404(Organisation, pk=lsc_pk, kind=OrganisationKind.LSC)


@login_required
@require_safe
def overzicht(request, lsc_pk):
    lsc = _lsc(request, lsc_pk)
    years = Years.of_today()
    rows = overview_rows(request.user, lsc.pk, years=years)
    filterset = OverzichtFilter(request.GET or None, queryset=rows)
    valid = not filterset.is_bound or filterset.is_valid()
    page = page_of(request, filterset.qs if valid else rows, valid=valid, per_page=PAGE_SIZE)
    total, readable = partner_counts(request.user, lsc.pk)
    for dossier in page.object_list:
        # from the person's standing, kept for the request: no query a row
        dossier.may_start = dossier.status == NOT_STARTED and (
            lsc_of(user_flags(request.user, dossier)) == lsc.pk
        )
        dossier.status_label = status_label(dossier.status)
        dossier.last_status_label = status_label(dossier.last_status) if dossier.last_status else ""
    return render(
        request,
        "leersteun/overzicht.html",
        {
            "lsc": lsc,
            "years": years,
            "filter": filterset,
            "page": page,
            "querystring": querystring_without_page(request),
            "hidden_count": total - readable,
            "can_start": any(d.may_start for d in page.object_list),
            "not_started": NOT_STARTED,
        },
        status=200 if valid else 400,
    )


@login_required
@require_POST
def overzicht_start(request, lsc_pk):
    lsc = _lsc(request, lsc_pk)
    form = StartForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("dossiers", []):
            messages.error(request, error)
        return redirect("leersteun:overzicht", lsc_pk=lsc.pk)
    result = gesprekken_start(
        lsc_id=lsc.pk, dossier_ids=form.cleaned_data["dossiers"], user=request.user
    )
    if result.started:
        messages.success(
            request,
            ngettext(
                "%(count)d samenwerkingsgesprek started.",
                "%(count)d samenwerkingsgesprekken started.",
                len(result.started),
            )
            % {"count": len(result.started)},
        )
    for school, reason in result.refused:
        messages.error(
            request,
            _("%(school)s: not started. %(reason)s") % {"school": school, "reason": reason},
        )
    if result.refused and result.started:
        messages.info(
            request,
            _(
                "Each school is started on its own: the conversations above were started all the same."
            ),
        )
    if result.ignored:
        messages.warning(
            request,
            ngettext(
                "%(count)d school was skipped: you have no access to its dossier.",
                "%(count)d schools were skipped: you have no access to their dossiers.",
                result.ignored,
            )
            % {"count": result.ignored},
        )
    return redirect("leersteun:overzicht", lsc_pk=lsc.pk)
