"""The leersteunraad of an LSC: its members, meetings and allocation rules, a school's
representative, and the figures the council sees.

Who reads and who writes is the access module's (``raad_standing``): the LSC's staff, the
directie of its schools and the council's members read; its coördinator writes (others who
read: 403; anyone else, platform administrators included: 404). A school's directie designates
the school's representative.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Organisation
from accounts.roles import OrganisationKind
from dossier.core.access.organisations import RaadStanding, require_raad
from leersteun.forms.raad import (
    AfgevaardigdeForm,
    DocumentForm,
    FiguresFilter,
    LidForm,
    RegelForm,
    VergaderingForm,
)
from leersteun.models import RaadLid
from leersteun.selectors import raad as selectors
from leersteun.services import raad as services
from samenwerking.downloads import attachment
from samenwerking.forms import apply_validation_error
from samenwerking.schoolyear import school_year_of

FORM_METHODS = ["GET", "HEAD", "POST"]


def _raad(request, lsc_pk: int, *, manage: bool = False) -> tuple[Organisation, RaadStanding]:
    """The LSC and the person's standing in its council: 404 for whoever does not read it,
    403 for a reader on a write."""
    standing = require_raad(request.user, lsc_pk)
    lsc = Organisation.objects.filter(pk=lsc_pk, kind=OrganisationKind.LSC).first()
    if lsc is None:
        raise Http404
    if manage and not standing.manage:
        raise PermissionDenied
    return lsc, standing


def _posted(request):
    """The form's data on a POST (an empty POST too: a form error, not a blank page)."""
    return request.POST if request.method == "POST" else None


def _form_page(request, template, context, form):
    return render(request, template, context | {"form": form}, status=400 if form.errors else 200)


@login_required
@require_safe
def raad(request, lsc_pk):
    lsc, standing = _raad(request, lsc_pk)
    seats, others = selectors.raad_members(lsc.pk)
    return render(
        request,
        "leersteun/raad/raad.html",
        {
            "lsc": lsc,
            "standing": standing,
            "seats": seats,
            "others": others,
            "vergaderingen": selectors.raad_vergaderingen(lsc.pk),
            "regels": selectors.raad_regels(lsc.pk),
        },
    )


@login_required
@require_safe
def raad_cijfers(request, lsc_pk):
    lsc, standing = _raad(request, lsc_pk)
    today = timezone.localdate()
    form = FiguresFilter(request.GET or {"schooljaar": school_year_of(today)}, today=today)
    context = {"lsc": lsc, "standing": standing, "form": form}
    if not form.is_valid():
        return render(request, "leersteun/raad/cijfers.html", context, status=400)
    figures = selectors.raad_figures(lsc.pk, form.cleaned_data["schooljaar"])
    return render(
        request,
        "leersteun/raad/cijfers.html",
        context
        | {
            "figures": figures,
            "levels": selectors.Leersteunvraag.Level.choices,
            "statuses": selectors.Status.choices,
        },
    )


# --- members -----------------------------------------------------------------------------------


@login_required
@require_http_methods(FORM_METHODS)
def raad_lid_add(request, lsc_pk):
    lsc, standing = _raad(request, lsc_pk, manage=True)
    form = LidForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.lid_add(lsc=lsc, user=request.user, **form.values())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The member has been added to the council."))
            return redirect("leersteun:raad", lsc_pk=lsc.pk)
    return _form_page(request, "leersteun/raad/lid_form.html", {"lsc": lsc}, form)


@login_required
@require_POST
def raad_lid_end(request, lsc_pk, lid_pk):
    lsc, standing = _raad(request, lsc_pk, manage=True)
    lid = RaadLid.objects.filter(lsc=lsc, pk=lid_pk).first()
    if lid is None:
        raise Http404
    services.lid_end(lid=lid, user=request.user)
    messages.success(request, _("The membership has ended: this member no longer has access."))
    return redirect("leersteun:raad", lsc_pk=lsc.pk)


@login_required
@require_http_methods(FORM_METHODS)
def raad_afgevaardigde(request, lsc_pk, school_pk):
    """The school's directie designates who sits for the school."""
    lsc, standing = _raad(request, lsc_pk)
    school = Organisation.objects.filter(pk=school_pk, kind=OrganisationKind.SCHOOL).first()
    if school is None:
        raise Http404
    if not standing.may_designate(school.pk):
        raise PermissionDenied
    seat = selectors.school_seat(lsc.pk, school.pk)
    people = list(selectors.school_people(school.pk))
    initial = {"person": str(seat.user_id) if seat and seat.user_id else ""}
    form = AfgevaardigdeForm(_posted(request), initial=initial, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            services.afgevaardigde_set(
                lsc=lsc, school=school, user=request.user, person=form.chosen()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The school's representative has been saved."))
            return redirect("leersteun:raad", lsc_pk=lsc.pk)
    return _form_page(
        request,
        "leersteun/raad/afgevaardigde.html",
        {"lsc": lsc, "school": school, "seat": seat},
        form,
    )


# --- meetings ----------------------------------------------------------------------------------


@login_required
@require_safe
def raad_vergadering(request, lsc_pk, vergadering_pk):
    lsc, standing = _raad(request, lsc_pk)
    vergadering = selectors.raad_vergadering(lsc.pk, vergadering_pk)
    if vergadering is None:
        raise Http404
    return render(
        request,
        "leersteun/raad/vergadering.html",
        {
            "lsc": lsc,
            "standing": standing,
            "vergadering": vergadering,
            "document_form": DocumentForm() if standing.manage else None,
        },
    )


def _vergadering_of(lsc, vergadering_pk):
    vergadering = selectors.raad_vergadering(lsc.pk, vergadering_pk)
    if vergadering is None:
        raise Http404
    vergadering.lsc = lsc
    return vergadering


@login_required
@require_POST
def raad_document_add(request, lsc_pk, vergadering_pk):
    lsc, standing = _raad(request, lsc_pk, manage=True)
    vergadering = _vergadering_of(lsc, vergadering_pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.raad_document_add(
                vergadering=vergadering,
                user=request.user,
                title=form.cleaned_data["title"],
                uploaded=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The document has been added to the meeting."))
            return redirect(
                "leersteun:raad_vergadering", lsc_pk=lsc.pk, vergadering_pk=vergadering.pk
            )
    return render(
        request,
        "leersteun/raad/vergadering.html",
        {"lsc": lsc, "standing": standing, "vergadering": vergadering, "document_form": form},
        status=400,
    )


@login_required
@require_safe
def raad_document_download(request, lsc_pk, vergadering_pk, document_pk):
    lsc, _standing = _raad(request, lsc_pk)
    document = selectors.raad_document(lsc.pk, vergadering_pk, document_pk)
    if document is None:
        raise Http404
    # unaudited, unlike a dossier's files: the council's documents hold figures, not pupils
    return attachment(
        request,
        document.file,
        filename=document.original_name,
        content_type=document.content_type,
        size=document.size,
        unreadable_to=reverse(
            "leersteun:raad_vergadering",
            kwargs={"lsc_pk": lsc.pk, "vergadering_pk": vergadering_pk},
        ),
    )


@login_required
@require_POST
def raad_document_delete(request, lsc_pk, vergadering_pk, document_pk):
    lsc, _standing = _raad(request, lsc_pk, manage=True)
    document = selectors.raad_document(lsc.pk, vergadering_pk, document_pk)
    if document is None:
        raise Http404
    document.vergadering.lsc = lsc
    services.raad_document_delete(document=document, user=request.user)
    messages.success(request, _("The document has been removed."))
    return redirect("leersteun:raad_vergadering", lsc_pk=lsc.pk, vergadering_pk=vergadering_pk)


def _vergadering_form(request, lsc, vergadering=None):
    seats, others = selectors.raad_members(lsc.pk)
    initial = None
    if vergadering is not None:
        present = list(vergadering.present.all())
        initial = {
            "date": vergadering.date,
            "agenda": vergadering.agenda,
            "decisions": vergadering.decisions,
            "schools": [str(p.school_id) for p in present if p.kind == RaadLid.Kind.SCHOOL],
            "members": [str(p.pk) for p in present if p.kind != RaadLid.Kind.SCHOOL],
        }
        # a member present then who has left since stays on the list of that meeting
        current = {m.pk for m in others}
        others = [
            *others,
            *(p for p in present if p.kind != RaadLid.Kind.SCHOOL and p.pk not in current),
        ]
    form = VergaderingForm(_posted(request), initial=initial, seats=seats, others=others)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.vergadering_save(
                lsc=lsc,
                user=request.user,
                vergadering=vergadering,
                date=data["date"],
                agenda=data["agenda"],
                decisions=data["decisions"],
                present_schools=data["schools"],
                present_members=data["members"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The meeting has been saved."))
            return redirect("leersteun:raad_vergadering", lsc_pk=lsc.pk, vergadering_pk=saved.pk)
    return _form_page(
        request,
        "leersteun/raad/vergadering_form.html",
        {"lsc": lsc, "vergadering": vergadering},
        form,
    )


@login_required
@require_http_methods(FORM_METHODS)
def raad_vergadering_add(request, lsc_pk):
    lsc, _standing = _raad(request, lsc_pk, manage=True)
    return _vergadering_form(request, lsc)


@login_required
@require_http_methods(FORM_METHODS)
def raad_vergadering_edit(request, lsc_pk, vergadering_pk):
    lsc, _standing = _raad(request, lsc_pk, manage=True)
    vergadering = selectors.raad_vergadering(lsc.pk, vergadering_pk)
    if vergadering is None:
        raise Http404
    return _vergadering_form(request, lsc, vergadering)


# --- allocation rules --------------------------------------------------------------------------


def _regel_form(request, lsc, regel=None):
    initial = None
    if regel is not None:
        initial = {
            "title": regel.title,
            "text": regel.text,
            "school": str(regel.school_id or ""),
            "hours_per_week": regel.hours_per_week,
            "decided_in": str(regel.decided_in_id or ""),
        }
    form = RegelForm(
        _posted(request),
        initial=initial,
        schools=selectors.affiliated_schools(lsc.pk),
        meetings=selectors.raad_vergaderingen(lsc.pk),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.regel_save(lsc=lsc, user=request.user, regel=regel, **form.values())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The allocation rule has been saved."))
            return redirect("leersteun:raad", lsc_pk=lsc.pk)
    return _form_page(request, "leersteun/raad/regel_form.html", {"lsc": lsc, "regel": regel}, form)


@login_required
@require_http_methods(FORM_METHODS)
def raad_regel_add(request, lsc_pk):
    lsc, _standing = _raad(request, lsc_pk, manage=True)
    return _regel_form(request, lsc)


@login_required
@require_http_methods(FORM_METHODS)
def raad_regel_edit(request, lsc_pk, regel_pk):
    lsc, _standing = _raad(request, lsc_pk, manage=True)
    regel = selectors.raad_regel(lsc.pk, regel_pk)
    if regel is None:
        raise Http404
    return _regel_form(request, lsc, regel)
