from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dossier.core import pagecache
from dossier.core.access import Section, require_section
from dossier.rapporten.forms import ReportRequestForm
from samenwerking.forms import apply_validation_error
from samenwerking.listing import page_of, querystring_without_page
from samenwerking.schoolyear import school_year_of
from signalen.filters import MySchoolsSignaalFilter, SignaalFilter
from signalen.forms import AanvullingForm, CorrectionForm, SignaalForm, StatusForm
from signalen.models import Aanvulling
from signalen.selectors import (
    school_years_in,
    signaal_get_for_user,
    signaal_story,
    signal_dossiers_for_user,
    signalen_for_dossier,
    signalen_for_user,
)
from signalen.services import (
    aanvulling_add,
    aanvulling_correct,
    signaal_change_status,
    signaal_create,
    signaal_update,
)
from signalen.trends import signal_trends

PAGE_SIZE = 20


@login_required
@require_safe
@pagecache.dossier_page(Section.SIGNALEN)
def signaal_list(request, pk):
    dossier, access = require_section(request.user, pk, Section.SIGNALEN)
    signalen = signalen_for_dossier(dossier)
    filterset = SignaalFilter(request.GET or None, queryset=signalen)
    valid = not filterset.is_bound or filterset.is_valid()
    page = page_of(request, filterset.qs if valid else signalen.none(), per_page=PAGE_SIZE)
    context = {
        "dossier": dossier,
        "access": access,
        "filter": filterset,
        "page": page,
        "querystring": querystring_without_page(request),
        "can_write": access.can_write(Section.SIGNALEN),
    }
    if request.htmx and request.htmx.target == "signal-results":
        template = "signalen/_signaal_results.html"
    else:
        template = "signalen/signaal_list.html"
        context["report_form"] = ReportRequestForm(
            initial_kind="signalenoverzicht", years=school_years_in(signalen)
        )
        # the year's trends above the list (two queries, any number)
        chosen = valid and filterset.is_bound and filterset.form.cleaned_data.get("school_year")
        context["trends"] = signal_trends(dossier, chosen or school_year_of(timezone.localdate()))
    return render(request, template, context, status=200 if valid else 400)


@login_required
@require_safe
@pagecache.across_page(Section.SIGNALEN)
def my_schools(request):
    signalen = signalen_for_user(request.user)
    dossiers = signal_dossiers_for_user(request.user)
    filterset = MySchoolsSignaalFilter(request.GET or None, queryset=signalen, dossiers=dossiers)
    valid = not filterset.is_bound or filterset.is_valid()
    page = page_of(request, filterset.qs if valid else signalen.none(), per_page=PAGE_SIZE)
    context = {
        "filter": filterset,
        "page": page,
        "querystring": querystring_without_page(request),
        "across": True,
    }
    template = (
        "signalen/_signaal_results.html"
        if request.htmx and request.htmx.target == "signal-results"
        else "signalen/my_schools.html"
    )
    return render(request, template, context, status=200 if valid else 400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def signaal_create_view(request, pk):
    dossier, access = require_section(request.user, pk, Section.SIGNALEN, write=True)
    form = SignaalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signaal = signaal_create(
                dossier=dossier, author=request.user, access=access, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The signal has been logged."))
            return redirect("signalen:detail", pk=dossier.pk, signaal_pk=signaal.pk)
    return render(
        request,
        "signalen/signaal_form.html",
        {"dossier": dossier, "access": access, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_safe
@pagecache.dossier_page(Section.SIGNALEN)
def signaal_detail(request, pk, signaal_pk):
    dossier, access, signaal = signaal_get_for_user(request.user, pk=pk, signaal_pk=signaal_pk)
    return _render_detail(request, dossier, access, signaal)


def _render_detail(
    request, dossier, access, signaal, *, aanvulling_form=None, status_form=None, status=200
):
    story = signaal_story(signaal)
    return render(
        request,
        "signalen/signaal_detail.html",
        {
            "dossier": dossier,
            "access": access,
            "signaal": signaal,
            "story": story,
            "can_write": access.can_write(Section.SIGNALEN),
            # the supplements this person may correct (their own)
            "correctable": {
                entry.aanvulling.pk
                for entry in story.entries
                if entry.aanvulling and access.may_correct_supplement(entry.aanvulling)
            },
            "aanvulling_form": aanvulling_form or AanvullingForm(),
            "status_form": status_form or StatusForm(current=signaal.status),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def signaal_edit(request, pk, signaal_pk):
    dossier, access, signaal = signaal_get_for_user(
        request.user, pk=pk, signaal_pk=signaal_pk, write=True
    )
    initial = {
        "title": signaal.title,
        "text": signaal.text,
        "thema": signaal.thema_id,
        "bron": signaal.bron_id,
        "school_year": signaal.school_year,
        "follow_up_date": signaal.follow_up_date,
    }
    form = SignaalForm(request.POST or None, initial=initial, current_year=signaal.school_year)
    if request.method == "POST" and form.is_valid():
        try:
            signaal_update(signaal=signaal, editor=request.user, access=access, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The signal has been corrected."))
            return redirect("signalen:detail", pk=dossier.pk, signaal_pk=signaal.pk)
    return render(
        request,
        "signalen/signaal_form.html",
        {"dossier": dossier, "access": access, "form": form, "signaal": signaal},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def aanvulling_add_view(request, pk, signaal_pk):
    dossier, access, signaal = signaal_get_for_user(
        request.user, pk=pk, signaal_pk=signaal_pk, write=True
    )
    form = AanvullingForm(request.POST)
    if form.is_valid():
        try:
            aanvulling = aanvulling_add(
                signaal=signaal, author=request.user, access=access, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Your %(kind)s has been added.")
                % {"kind": aanvulling.get_kind_display().lower()},
            )
            url = f"{signaal_url(dossier.pk, signaal.pk)}#aanvulling-{aanvulling.pk}"
            return redirect(url)
    signaal.refresh_from_db()
    return _render_detail(request, dossier, access, signaal, aanvulling_form=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def aanvulling_correct_view(request, pk, signaal_pk, aanvulling_pk):
    dossier, access, signaal = signaal_get_for_user(
        request.user, pk=pk, signaal_pk=signaal_pk, write=True
    )
    aanvulling = Aanvulling.objects.filter(signaal=signaal, pk=aanvulling_pk).first()
    if aanvulling is None:
        raise Http404
    if not access.may_correct_supplement(aanvulling):
        raise PermissionDenied
    form = CorrectionForm(request.POST or None, initial={"text": aanvulling.text})
    if request.method == "POST" and form.is_valid():
        try:
            aanvulling_correct(
                aanvulling=aanvulling,
                author=request.user,
                access=access,
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The supplement has been corrected."))
            return redirect(f"{signaal_url(dossier.pk, signaal.pk)}#aanvulling-{aanvulling.pk}")
    return render(
        request,
        "signalen/aanvulling_correct.html",
        {
            "dossier": dossier,
            "access": access,
            "signaal": signaal,
            "aanvulling": aanvulling,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def signaal_status_view(request, pk, signaal_pk):
    dossier, access, signaal = signaal_get_for_user(
        request.user, pk=pk, signaal_pk=signaal_pk, write=True
    )
    form = StatusForm(request.POST, current=signaal.status)
    if form.is_valid():
        try:
            signaal_change_status(
                signaal=signaal, actor=request.user, access=access, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The status has been changed."))
            return redirect("signalen:detail", pk=dossier.pk, signaal_pk=signaal.pk)
    return _render_detail(request, dossier, access, signaal, status_form=form, status=400)


def signaal_url(pk, signaal_pk) -> str:
    return reverse("signalen:detail", kwargs={"pk": pk, "signaal_pk": signaal_pk})
