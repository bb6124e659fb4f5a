"""The pages of a school's leersteunvragen: the list, registering, the question, screening
with the filters, and the status workflow."""

from __future__ import annotations

from functools import cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dossier.core.access import SCHOOL, Section, require_section
from leersteun.forms.vragen import ScreeningForm, StatusForm, VraagFilter, VraagForm
from leersteun.models import Leersteunvraag
from leersteun.selectors.vragen import (
    active_lsc_partners,
    filters_for_lsc,
    vraag_get,
    vragen_for,
)
from leersteun.services import vragen as services
from leersteun.workflow import DECISIONS, TRANSITIONS, Status
from samenwerking.forms import apply_validation_error
from samenwerking.listing import PAGE_SIZE, page_of, querystring_without_page

# The parts of the question page that other parts of the work bring (earlier and similar
# questions; priority, ondersteuner and hours): shown once their template exists.
BUNDELEN = "leersteun/vragen/_bundelen.html"
TOEWIJZING = "leersteun/vragen/_toewijzing.html"


@cache
def _has_template(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def _detail_url(dossier, vraag, anchor: str = "") -> str:
    url = reverse("leersteun:vraag", kwargs={"pk": dossier.pk, "vraag_pk": vraag.pk})
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_safe
def vraag_list(request, pk):
    dossier, access = require_section(request.user, pk, Section.LEERSTEUN)
    vragen = vragen_for(dossier)
    filterset = VraagFilter(request.GET or None, queryset=vragen)
    valid = not filterset.is_bound or filterset.is_valid()
    page = page_of(request, filterset.qs if valid else vragen.none(), per_page=PAGE_SIZE)
    return render(
        request,
        "leersteun/vragen/list.html",
        {
            "dossier": dossier,
            "access": access,
            "filter": filterset,
            "page": page,
            "querystring": querystring_without_page(request),
            "can_write": access.can_write(Section.LEERSTEUN),
        },
        status=200 if valid else 400,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def vraag_create(request, pk):
    dossier, access = require_section(request.user, pk, Section.LEERSTEUN, write=True)
    school_side = SCHOOL in access.sides(Section.LEERSTEUN, write=True)
    lscs = active_lsc_partners(dossier) if school_side else []
    form = VraagForm(request.POST or None, lscs=lscs, choose_lsc=school_side)
    if request.method == "POST" and form.is_valid():
        try:
            vraag = services.vraag_register(
                dossier=dossier, user=request.user, access=access, **form.service_kwargs()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The leersteunvraag has been registered."))
            return redirect(_detail_url(dossier, vraag))
    return render(
        request,
        "leersteun/vragen/form.html",
        {
            "dossier": dossier,
            "access": access,
            "form": form,
            "no_lsc": school_side and not lscs,
            "on_behalf": not school_side,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_safe
def vraag_detail(request, pk, vraag_pk):
    dossier, access, vraag = vraag_get(request.user, pk=pk, vraag_pk=vraag_pk)
    lsc_acts = services.lsc_may_act(vraag, access)
    moves = TRANSITIONS.get(vraag.status, frozenset())
    return render(
        request,
        "leersteun/vragen/detail.html",
        {
            "dossier": dossier,
            "access": access,
            "vraag": vraag,
            "Status": Status,
            "may_edit": services.may_edit(vraag, access),
            "may_screen": lsc_acts and vraag.status in services.SCREENABLE_STATUSES,
            "status_form": StatusForm(current=vraag.status) if lsc_acts and moves else None,
            "decided": vraag.status not in (Status.AANGEMELD, Status.IN_SCREENING),
            "is_decision": vraag.status in DECISIONS,
            "bundelen_enabled": _has_template(BUNDELEN),
            "toewijzing_enabled": _has_template(TOEWIJZING),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def vraag_edit(request, pk, vraag_pk):
    dossier, access, vraag = vraag_get(request.user, pk=pk, vraag_pk=vraag_pk, write=True)
    if not services.may_edit(vraag, access):
        if vraag.status not in services.EDITABLE_STATUSES:
            messages.error(
                request, _("The LSC has decided on this question: it can no longer be changed.")
            )
            return redirect(_detail_url(dossier, vraag))
        raise PermissionDenied
    form = VraagForm(request.POST or None, initial=VraagForm.initial_of(vraag), choose_lsc=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.vraag_update(
                vraag=vraag, user=request.user, access=access, **form.service_kwargs()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The leersteunvraag has been saved."))
            return redirect(_detail_url(dossier, vraag))
    return render(
        request,
        "leersteun/vragen/form.html",
        {"dossier": dossier, "access": access, "form": form, "vraag": vraag},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def vraag_screen(request, pk, vraag_pk):
    dossier, access, vraag = vraag_get(request.user, pk=pk, vraag_pk=vraag_pk, write=True)
    if not services.lsc_may_act(vraag, access):
        raise PermissionDenied
    filters = filters_for_lsc(vraag.lsc_id)
    form = ScreeningForm(
        request.POST or None,
        filters=filters,
        current={b.filter_key: b for b in vraag.beoordelingen.all()},
        status=vraag.status,
    )
    screenable = vraag.status in services.SCREENABLE_STATUSES
    if request.method == "POST" and screenable and form.is_valid():
        try:
            services.vraag_screen(
                vraag=vraag,
                user=request.user,
                access=access,
                lines=[services.Line(f, state, remark) for f, state, remark in form.lines()],
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if form.cleaned_data["decision"]:
                messages.success(request, _("The filters and the decision have been saved."))
            else:
                messages.success(request, _("The filters have been saved."))
            return redirect(_detail_url(dossier, vraag, "filters"))
    elif request.method == "POST" and not screenable:
        form.add_error(
            None, _("The filters are laid on a question while it is registered or in screening.")
        )
    return render(
        request,
        "leersteun/vragen/screen.html",
        {
            "dossier": dossier,
            "access": access,
            "vraag": vraag,
            "form": form,
            "screenable": screenable,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def vraag_status(request, pk, vraag_pk):
    dossier, access, vraag = vraag_get(request.user, pk=pk, vraag_pk=vraag_pk, write=True)
    if not services.lsc_may_act(vraag, access):
        raise PermissionDenied
    form = StatusForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_detail_url(dossier, vraag, "status"))
    try:
        vraag = services.vraag_status(
            vraag=vraag,
            user=request.user,
            access=access,
            to=form.cleaned_data["to"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The question is now “%(status)s”.")
            % {"status": Leersteunvraag(status=vraag.status).get_status_display()},
        )
    return redirect(_detail_url(dossier, vraag, "status"))
