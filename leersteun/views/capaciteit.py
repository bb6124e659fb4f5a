"""Priorities, ondersteuners, hours and capacity: the LSC's choices per question, the
coördinator's capacity page (an ankerpersoon's for their schools) and the ondersteuner's own
page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Organisation
from accounts.roles import OrganisationKind
from dossier.core.access import Section, require_section
from dossier.core.access.organisations import require_capacity_reader, require_lsc_staff
from leersteun.forms.capaciteit import CapaciteitForm, ToewijzingForm
from leersteun.models import Leersteunvraag
from leersteun.selectors.capaciteit import (
    capacities_of,
    capacity_of,
    my_work,
    ondersteuners_of,
    vraag_url,
)
from leersteun.services import capaciteit as services
from leersteun.services.gesprek import lsc_of
from leersteun.workflow import OPEN_STATUSES
from samenwerking.forms import apply_validation_error


def _lsc(lsc_pk: int) -> Organisation:
    return get_object_or_404(Organisation, pk=lsc_pk, kind=OrganisationKind.LSC)


# --- one question: priority, ondersteuner, hours ------------------------------------------------


@login_required
@require_POST
def vraag_assign(request, pk, vraag_pk):
    dossier, access = require_section(request.user, pk, Section.LEERSTEUN, write=True)
    vraag = get_object_or_404(
        Leersteunvraag.objects.select_related("ondersteuner"), pk=vraag_pk, dossier=dossier
    )
    # the LSC of the question chooses; the school reads what it chose
    if lsc_of(access) != vraag.lsc_id:
        raise PermissionDenied
    if vraag.status not in OPEN_STATUSES:
        messages.error(
            request, _("This question is closed: its priority and hours stay as they are.")
        )
        return redirect(vraag_url(vraag) or reverse("dossier:overview", kwargs={"pk": pk}))
    form = ToewijzingForm(request.POST, ondersteuners=ondersteuners_of(vraag.lsc_id))
    if form.is_valid():
        try:
            events = services.vraag_assign(
                vraag=vraag, access=access, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if events:
                messages.success(request, _("The priority and the ondersteuner are saved."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect(vraag_url(vraag) or reverse("dossier:overview", kwargs={"pk": pk}))
    return render(
        request,
        "leersteun/capaciteit/toewijzing.html",
        {"dossier": dossier, "access": access, "vraag": vraag, "form": form},
        status=400,
    )


# --- the capacity page of an LSC ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def capaciteit(request, lsc_pk):
    # the coördinator sees (and sets) everything; an ankerpersoon their readable schools
    everything = require_capacity_reader(request.user, lsc_pk)
    lsc = _lsc(lsc_pk)
    form = None
    status = 200
    if everything:
        form = CapaciteitForm(
            request.POST if request.method == "POST" else None, people=capacities_of(lsc.pk)
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                changed = services.capaciteit_save(
                    lsc_id=lsc.pk, user=request.user, hours=form.hours()
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                if changed:
                    messages.success(request, _("The hours per week are saved."))
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect("leersteun:capaciteit", lsc_pk=lsc.pk)
        status = 400
    return render(
        request,
        "leersteun/capaciteit/capaciteit.html",
        {
            "lsc": lsc,
            "capacity": capacity_of(request.user, lsc.pk, everything=everything),
            "form": form,
            "lsc_vragen_url": _lsc_vragen_url(lsc.pk),
        },
        status=status,
    )


def _lsc_vragen_url(lsc_pk: int) -> str | None:
    """The LSC's list of questions, where it exists."""
    for name in ("leersteun:vragen_lsc", "leersteun:lsc_vragen"):
        try:
            return reverse(name, kwargs={"lsc_pk": lsc_pk})
        except NoReverseMatch:
            continue
    return None


# --- the ondersteuner's own page ----------------------------------------------------------------


@login_required
@require_safe
def mijn_vragen(request, lsc_pk):
    require_lsc_staff(request.user, lsc_pk)
    lsc = _lsc(lsc_pk)
    work = my_work(request.user, lsc.pk)
    for cluster in work.clusters:
        try:
            cluster.url = reverse(
                "leersteun:cluster", kwargs={"lsc_pk": lsc.pk, "cluster_pk": cluster.pk}
            )
        except NoReverseMatch:
            cluster.url = None
    return render(
        request,
        "leersteun/capaciteit/mijn_vragen.html",
        {"lsc": lsc, "work": work, "lsc_vragen_url": _lsc_vragen_url(lsc.pk)},
    )
