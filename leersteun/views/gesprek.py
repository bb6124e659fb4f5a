"""The pages of a school's samenwerkingsgesprek with its LSC."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dossier.core.access import LSC, SCHOOL, Section, require_section
from dossier.core.registry import registry
from dossier.core.services import audit_record
from leersteun.forms.gesprek import (
    AfspraakForm,
    AnswersForm,
    CorrectionForm,
    EvaluationForm,
    PlanForm,
    PromoteForm,
)
from leersteun.models import Antwoord, Gesprek, GesprekAfspraak
from leersteun.section import CONFIDENTIAL_REVEALED
from leersteun.selectors.gesprek import (
    afspraken_of,
    gesprek_get,
    gesprek_parts,
    gesprekken_for,
    last_year_afspraken,
    open_counts,
    sees_confidential,
)
from leersteun.selectors.sjablonen import published_version_for
from leersteun.services import gesprek as services
from samenwerking.forms import apply_validation_error
from samenwerking.schoolyear import school_year_of


def _detail_url(dossier, gesprek, anchor: str = "") -> str:
    url = reverse("leersteun:gesprek", kwargs={"pk": dossier.pk, "gesprek_pk": gesprek.pk})
    return f"{url}#{anchor}" if anchor else url


def _refuse(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_safe
def gesprek_list(request, pk):
    dossier, access = require_section(request.user, pk, Section.LEERSTEUN)
    gesprekken = list(gesprekken_for(dossier))
    this_year = school_year_of(timezone.localdate())
    lsc_id = services.lsc_of(access)
    can_start = (
        lsc_id is not None
        and not any(g.lsc_id == lsc_id and g.school_year == this_year for g in gesprekken)
        and published_version_for(lsc_id) is not None
    )
    return render(
        request,
        "leersteun/gesprekken.html",
        {
            "dossier": dossier,
            "access": access,
            "gesprekken": gesprekken,
            "this_year": this_year,
            "can_start": can_start,
            "is_lsc": lsc_id is not None,
        },
    )


@login_required
@require_POST
def gesprek_start(request, pk):
    dossier, access = require_section(request.user, pk, Section.LEERSTEUN, write=True)
    try:
        gesprek = services.gesprek_start(dossier=dossier, user=request.user, access=access)
    except ValidationError as exc:
        _refuse(request, exc)
        return redirect("leersteun:gesprekken", pk=dossier.pk)
    messages.success(
        request,
        _("The samenwerkingsgesprek of %(year)s has been started.") % {"year": gesprek.school_year},
    )
    return redirect(_detail_url(dossier, gesprek))


def _detail_context(request, dossier, access, gesprek, *, revealed=(), **extra):
    parts = gesprek_parts(gesprek, access, revealed=revealed)
    writes = access.sides(Section.LEERSTEUN, write=True)
    can_write = bool(writes)
    afspraken = afspraken_of(gesprek)
    context = {
        "dossier": dossier,
        "access": access,
        "gesprek": gesprek,
        "parts": parts,
        "counts": open_counts(parts),
        "afspraken": afspraken,
        "last_year": last_year_afspraken(gesprek),
        "can_write": can_write,
        "is_open": not gesprek.is_closed,
        "sees_confidential": sees_confidential(access),
        "may_include_confidential": sees_confidential(access),
        "my_side": SCHOOL if SCHOOL in writes else (LSC if LSC in writes else None),
        "afspraak_form": AfspraakForm(),
        "evaluation_form": EvaluationForm(),
        "promote_form": PromoteForm(),
        "may_promote": can_write and "afspraken" in registry.agreement_makers,
        "Status": Gesprek.Status,
        "Origin": Antwoord.Origin,
    }
    context.update(extra)
    return context


@login_required
@require_safe
def gesprek_detail(request, pk, gesprek_pk):
    dossier, access, gesprek = gesprek_get(request.user, pk=pk, gesprek_pk=gesprek_pk)
    return render(
        request, "leersteun/gesprek_detail.html", _detail_context(request, dossier, access, gesprek)
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def gesprek_part(request, pk, gesprek_pk, onderdeel_pk):
    dossier, access, gesprek = gesprek_get(request.user, pk=pk, gesprek_pk=gesprek_pk, write=True)
    parts = gesprek_parts(gesprek, access)
    part = next((p for p in parts if p.onderdeel.pk == onderdeel_pk), None)
    if part is None:
        raise Http404
    if gesprek.is_closed:
        messages.error(
            request,
            _("This samenwerkingsgesprek is closed: correct an answer instead of changing it."),
        )
        return redirect(_detail_url(dossier, gesprek, f"deel-{onderdeel_pk}"))
    mine = [item for item in part.items if item.mine]
    carried = {
        item.vraag.pk
        for item in mine
        if item.value is not None and item.antwoord.origin != Antwoord.Origin.ANSWERED
    }
    form = AnswersForm(
        # an empty POST is a form sent with nothing filled in, not an unsent form
        request.POST if request.method == "POST" else None,
        vragen=[item.vraag for item in mine],
        current={item.vraag.pk: item.value for item in mine},
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.answers_save(
                gesprek=gesprek, user=request.user, access=access, values=form.values()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if request.POST.get("confirm_unchanged"):
                changed += services.answers_confirm(
                    gesprek=gesprek, vraag_ids=carried, user=request.user, access=access
                )
            if changed:
                messages.success(request, _("Your answers have been saved."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect(_detail_url(dossier, gesprek, f"deel-{onderdeel_pk}"))
    return render(
        request,
        "leersteun/gesprek_part.html",
        {
            "dossier": dossier,
            "access": access,
            "gesprek": gesprek,
            "part": part,
            "form": form,
            "others": [item for item in part.items if not item.mine],
            "carried": carried,
            "carried_count": len(carried),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def answer_confirm(request, pk, gesprek_pk, vraag_pk):
    dossier, access, gesprek = gesprek_get(request.user, pk=pk, gesprek_pk=gesprek_pk, write=True)
    try:
        services.answer_confirm(
            gesprek=gesprek, vraag_id=vraag_pk, user=request.user, access=access
        )
    except ValidationError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("The answer has been confirmed for this year."))
    return redirect(_detail_url(dossier, gesprek, f"vraag-{vraag_pk}"))


@login_required
@require_POST
def answer_reveal(request, pk, gesprek_pk, vraag_pk):
    """Show one confidential answer to the school or the LSC, and log that it was shown."""
    dossier, access, gesprek = gesprek_get(request.user, pk=pk, gesprek_pk=gesprek_pk)
    antwoord = (
        Antwoord.objects.filter(gesprek=gesprek, vraag_id=vraag_pk, vraag__confidential=True)
        .select_related("vraag")
        .first()
    )
    if antwoord is None or not sees_confidential(access):
        raise Http404
    audit_record(
        dossier=dossier,
        actor=request.user,
        action=CONFIDENTIAL_REVEALED.key,
        section=Section.LEERSTEUN,
        detail=f"{gesprek.school_year}: {antwoord.vraag.text}",
    )
    context = _detail_context(request, dossier, access, gesprek, revealed={vraag_pk})
    if getattr(request, "htmx", False):
        item = next(
            item for part in context["parts"] for item in part.items if item.vraag.pk == vraag_pk
        )
        return render(
            request,
            "leersteun/_answer.html",
            {**context, "item": item},
        )
    return render(request, "leersteun/gesprek_detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def answer_correct(request, pk, gesprek_pk, vraag_pk):
    dossier, access, gesprek = gesprek_get(request.user, pk=pk, gesprek_pk=gesprek_pk, write=True)
    antwoord = (
        Antwoord.objects.filter(gesprek=gesprek, vraag_id=vraag_pk).select_related("vraag").first()
    )
    if antwoord is None or services.side_of(access, antwoord.vraag) is None:
        raise Http404
    if not gesprek.is_closed:
        return redirect(
            "leersteun:gesprek_part",
            pk=dossier.pk,
            gesprek_pk=gesprek.pk,
            onderdeel_pk=antwoord.vraag.onderdeel_id,
        )
    form = CorrectionForm(request.POST or None, vraag=antwoord.vraag, current=antwoord.value)
    if request.method == "POST" and form.is_valid():
        value = form.cleaned_data["answer"]
        try:
            services.answer_correct(
                gesprek=gesprek,
                vraag_id=vraag_pk,
                user=request.user,
                access=access,
                value=value.strip() if isinstance(value, str) else value,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_validation_error(form, exc)
            else:
                for message in exc.messages:
                    form.add_error("answer", message)
        else:
            messages.success(request, _("The answer has been corrected; the earlier one stays."))
            return redirect(_detail_url(dossier, gesprek, f"vraag-{vraag_pk}"))
    return render(
        request,
        "leersteun/answer_correct.html",
        {
            "dossier": dossier,
            "access": access,
            "gesprek": gesprek,
            "antwoord": antwoord,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def gesprek_plan(request, pk, gesprek_pk):
    dossier, access, gesprek = gesprek_get(request.user, pk=pk, gesprek_pk=gesprek_pk, write=True)
    form = PlanForm(request.POST or None, initial=PlanForm.initial_from(gesprek))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("date"), data.pop("time")
        try:
            services.gesprek_plan(
                gesprek=gesprek,
                user=request.user,
                access=access,
                planned_for=form.planned_for(),
                **data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The samenwerkingsgesprek has been planned."))
            return redirect(_detail_url(dossier, gesprek))
    return render(
        request,
        "leersteun/gesprek_plan.html",
        {"dossier": dossier, "access": access, "gesprek": gesprek, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def gesprek_status(request, pk, gesprek_pk):
    dossier, access, gesprek = gesprek_get(request.user, pk=pk, gesprek_pk=gesprek_pk, write=True)
    to = request.POST.get("to", "")
    try:
        gesprek = services.gesprek_advance(gesprek=gesprek, user=request.user, access=access, to=to)
    except ValidationError as exc:
        _refuse(request, exc)
    else:
        messages.success(
            request,
            _("The samenwerkingsgesprek is now: %(status)s.")
            % {"status": gesprek.get_status_display().lower()},
        )
    return redirect(_detail_url(dossier, gesprek))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def afspraak_add(request, pk, gesprek_pk):
    dossier, access, gesprek = gesprek_get(request.user, pk=pk, gesprek_pk=gesprek_pk, write=True)
    form = AfspraakForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.afspraak_add(
                gesprek=gesprek, user=request.user, access=access, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The agreement has been added."))
            return redirect(_detail_url(dossier, gesprek, "afspraken"))
    return render(
        request,
        "leersteun/afspraak_form.html",
        {"dossier": dossier, "access": access, "gesprek": gesprek, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _afspraak(gesprek, afspraak_pk, *, of_previous: bool) -> GesprekAfspraak:
    gesprek_id = gesprek.previous_id if of_previous else gesprek.pk
    afspraak = GesprekAfspraak.objects.filter(pk=afspraak_pk, gesprek_id=gesprek_id).first()
    if afspraak is None or gesprek_id is None:
        raise Http404
    return afspraak


@login_required
@require_POST
def afspraak_evaluate(request, pk, gesprek_pk, afspraak_pk):
    dossier, access, gesprek = gesprek_get(request.user, pk=pk, gesprek_pk=gesprek_pk, write=True)
    afspraak = _afspraak(gesprek, afspraak_pk, of_previous=True)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose done, ongoing or dropped."))
    else:
        try:
            services.afspraak_evaluate(
                gesprek=gesprek,
                afspraak=afspraak,
                user=request.user,
                access=access,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _refuse(request, exc)
        else:
            messages.success(request, _("The evaluation has been saved."))
    return redirect(_detail_url(dossier, gesprek, "vorig-jaar"))


@login_required
@require_POST
def afspraak_promote(request, pk, gesprek_pk, afspraak_pk):
    """Turn an agreement of the conversation into a samenwerkingsafspraak of school and LSC,
    which then follows that section's approval flow."""
    dossier, access, gesprek = gesprek_get(request.user, pk=pk, gesprek_pk=gesprek_pk, write=True)
    afspraak = _afspraak(gesprek, afspraak_pk, of_previous=False)
    form = PromoteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_detail_url(dossier, gesprek, f"afspraak-{afspraak.pk}"))
    try:
        services.afspraak_promote(
            gesprek=gesprek,
            afspraak=afspraak,
            user=request.user,
            access=access,
            **form.cleaned_data,
        )
    except ValidationError as exc:
        _refuse(request, exc)
        return redirect(_detail_url(dossier, gesprek, f"afspraak-{afspraak.pk}"))
    messages.success(
        request,
        _("The samenwerkingsafspraak has been drafted; school and LSC each approve it."),
    )
    return redirect(_detail_url(dossier, gesprek, f"afspraak-{afspraak.pk}"))
