"""The LSC's conversation template: its versions, the draft editor, publishing, comparing.

Every staff member of the LSC reads the template, its versions and what changed between
two of them; only its coördinator writes (others of the LSC: 403, anyone outside it: 404).
A published version is read-only: an edit of it answers 403 with a page that says so.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Organisation
from accounts.roles import OrganisationKind
from dossier.core.access.organisations import may_manage_templates, require_lsc_staff
from leersteun.forms.sjablonen import (
    CompareForm,
    FilterForm,
    MoveForm,
    OnderdeelForm,
    VraagForm,
)
from leersteun.models import Filter, Onderdeel, SjabloonVersie, Vraag
from leersteun.selectors import sjablonen as selectors
from leersteun.services import sjablonen as services
from samenwerking.forms import apply_validation_error

FORM_METHODS = ["GET", "HEAD", "POST"]


class PublishedVersion(Exception):
    """An edit of a published version: answered with the read-only page (403)."""

    def __init__(self, lsc, versie):
        self.lsc, self.versie = lsc, versie


def _lsc(request, lsc_pk: int, *, manage: bool = False) -> tuple[Organisation, bool]:
    """The LSC and whether the person manages its template: 404 for anyone outside the LSC,
    403 for its other staff on a write."""
    require_lsc_staff(request.user, lsc_pk)
    lsc = Organisation.objects.filter(pk=lsc_pk, kind=OrganisationKind.LSC).first()
    if lsc is None:
        raise Http404
    can_manage = may_manage_templates(request.user, lsc_pk)
    if manage and not can_manage:
        raise PermissionDenied
    return lsc, can_manage


def _draft(request, lsc_pk: int, versie_pk: int) -> tuple[Organisation, SjabloonVersie]:
    """A version of the LSC's own template that its coördinator edits: it must be a draft."""
    lsc, _can_manage = _lsc(request, lsc_pk, manage=True)
    versie = (
        SjabloonVersie.objects.select_related("sjabloon")
        .filter(pk=versie_pk, sjabloon__lsc_id=lsc_pk)
        .first()
    )
    if versie is None:
        raise Http404
    if not versie.is_draft:
        raise PublishedVersion(lsc, versie)
    return lsc, versie


def _read_only(request, exc: PublishedVersion):
    return render(
        request,
        "leersteun/sjabloon/read_only.html",
        {"lsc": exc.lsc, "versie": exc.versie},
        status=403,
    )


def editing(view):
    """Answer an edit of a published version (or a draft published meanwhile) with 403."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PublishedVersion as exc:
            return _read_only(request, exc)

    return wrapper


def _to_versie(lsc, versie, anchor: str = ""):
    url = reverse("leersteun:versie", kwargs={"lsc_pk": lsc.pk, "versie_pk": versie.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _refused(request, lsc, versie, exc: PermissionDenied):
    """A service refused: the draft was published in the meantime."""
    versie.refresh_from_db(fields=["published_at"])
    if not versie.is_draft:
        return _read_only(request, PublishedVersion(lsc, versie))
    raise exc


# --- reading --------------------------------------------------------------------------------------


@login_required
@require_safe
def sjabloon(request, lsc_pk):
    """The LSC's template and its versions; while it has none, the starter it uses."""
    lsc, can_manage = _lsc(request, lsc_pk)
    template, versies = selectors.lsc_template(lsc.pk)
    draft = next((v for v in versies if v.is_draft), None)
    published = [v for v in versies if not v.is_draft]
    starter = None if published else selectors.starter_published()
    return render(
        request,
        "leersteun/sjabloon/sjabloon.html",
        {
            "lsc": lsc,
            "sjabloon": template,
            "versies": versies,
            "draft": draft,
            "current": published[0] if published else None,
            "starter": starter,
            "can_manage": can_manage,
        },
    )


@login_required
@require_safe
def versie(request, lsc_pk, versie_pk):
    lsc, can_manage = _lsc(request, lsc_pk)
    versie = selectors.version_for_lsc(lsc.pk, versie_pk)
    if versie is None:
        raise Http404
    return _versie_page(request, lsc, versie, can_manage)


def _versie_page(request, lsc, versie, can_manage, *, problems=(), status=200):
    parts = list(versie.onderdelen.all())
    own = versie.sjabloon.lsc_id == lsc.pk
    questions = [v for p in parts for v in p.vragen.all()]
    for vraag in questions:  # a question moves on into the next part: only the ends stop it
        vraag.at_top = vraag is questions[0]
        vraag.at_bottom = vraag is questions[-1]
    return render(
        request,
        "leersteun/sjabloon/versie.html",
        {
            "lsc": lsc,
            "versie": versie,
            "parts": parts,
            "question_count": len(questions),
            "filters": selectors.version_filters(versie),
            "is_starter": not own,
            "can_edit": can_manage and own and versie.is_draft,
            "can_manage": can_manage,
            "problems": problems,
        },
        status=status,
    )


@login_required
@require_safe
def versie_diff(request, lsc_pk):
    """What changed between two versions (by default the two newest of the LSC's template)."""
    lsc, can_manage = _lsc(request, lsc_pk)
    versions = selectors.comparable_versions(lsc.pk)
    context = {"lsc": lsc, "can_manage": can_manage}
    if "van" in request.GET or "naar" in request.GET:
        form = CompareForm(request.GET, versions=versions)
        if not form.is_valid():
            context["form"] = form
            context["error"] = _("Choose two versions of your LSC's template to compare.")
            return render(request, "leersteun/sjabloon/verschil.html", context, status=400)
        old, new = form.chosen()
    else:
        old, new = _default_pair(lsc.pk, versions)
        form = CompareForm(
            initial={"van": old and str(old.pk), "naar": new and str(new.pk)}, versions=versions
        )
    context["form"] = form
    if old is None or new is None:
        context["nothing"] = True
        return render(request, "leersteun/sjabloon/verschil.html", context)
    old = selectors.version_for_lsc(lsc.pk, old.pk)
    new = selectors.version_for_lsc(lsc.pk, new.pk)
    context |= {"old": old, "new": new, "diff": selectors.versions_compare(old, new)}
    return render(request, "leersteun/sjabloon/verschil.html", context)


def _default_pair(lsc_id, versions):
    """The newest version of the LSC's own template and the one before it (or the version it
    was copied from)."""
    own = [v for v in versions if v.sjabloon.lsc_id == lsc_id]
    if not own:
        return None, None
    new = own[0]
    if len(own) > 1:
        return own[1], new
    by_pk = {v.pk: v for v in versions}
    return by_pk.get(new.based_on_id), new


# --- the draft ---------------------------------------------------------------------------------


@login_required
@require_POST
def draft_start(request, lsc_pk):
    lsc, _can_manage = _lsc(request, lsc_pk, manage=True)
    draft, created = services.sjabloon_draft_start(lsc=lsc, user=request.user)
    if created:
        messages.success(
            request,
            _("A draft has been made. Nothing changes for conversations until you publish it."),
        )
    else:
        messages.info(request, _("You continue with the draft you already have."))
    return _to_versie(lsc, draft)


@login_required
@require_POST
@editing
def versie_publish(request, lsc_pk, versie_pk):
    lsc, versie = _draft(request, lsc_pk, versie_pk)
    try:
        services.versie_publish(versie=versie, user=request.user)
    except ValidationError as exc:
        loaded = selectors.version_for_lsc(lsc.pk, versie.pk)
        return _versie_page(request, lsc, loaded, True, problems=exc.messages, status=400)
    except PermissionDenied as exc:
        return _refused(request, lsc, versie, exc)
    messages.success(
        request,
        _("Version %(number)s is published: new conversations are held with it.")
        % {"number": versie.number},
    )
    return redirect("leersteun:sjabloon", lsc_pk=lsc.pk)


# --- parts -------------------------------------------------------------------------------------


def _part(versie, onderdeel_pk) -> Onderdeel:
    onderdeel = Onderdeel.objects.filter(versie=versie, pk=onderdeel_pk).first()
    if onderdeel is None:
        raise Http404
    return onderdeel


def _part_form(request, lsc, versie, onderdeel=None):
    initial = {"title": onderdeel.title, "intro": onderdeel.intro} if onderdeel else None
    form = OnderdeelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if onderdeel is None:
                onderdeel = services.onderdeel_add(
                    versie=versie, user=request.user, **form.cleaned_data
                )
                messages.success(request, _("The part has been added."))
            else:
                services.onderdeel_update(
                    versie=versie, user=request.user, onderdeel=onderdeel, **form.cleaned_data
                )
                messages.success(request, _("The part has been saved."))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            return _refused(request, lsc, versie, exc)
        else:
            return _to_versie(lsc, versie, f"onderdeel-{onderdeel.pk}")
    return render(
        request,
        "leersteun/sjabloon/onderdeel_form.html",
        {"lsc": lsc, "versie": versie, "onderdeel": onderdeel, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(FORM_METHODS)
@editing
def onderdeel_add(request, lsc_pk, versie_pk):
    lsc, versie = _draft(request, lsc_pk, versie_pk)
    return _part_form(request, lsc, versie)


@login_required
@require_http_methods(FORM_METHODS)
@editing
def onderdeel_edit(request, lsc_pk, versie_pk, onderdeel_pk):
    lsc, versie = _draft(request, lsc_pk, versie_pk)
    return _part_form(request, lsc, versie, _part(versie, onderdeel_pk))


@login_required
@require_POST
@editing
def onderdeel_delete(request, lsc_pk, versie_pk, onderdeel_pk):
    lsc, versie = _draft(request, lsc_pk, versie_pk)
    onderdeel = _part(versie, onderdeel_pk)
    try:
        services.onderdeel_delete(versie=versie, user=request.user, onderdeel=onderdeel)
    except PermissionDenied as exc:
        return _refused(request, lsc, versie, exc)
    messages.success(
        request, _("The part “%(title)s” has been removed.") % {"title": onderdeel.title}
    )
    return _to_versie(lsc, versie)


def _direction(request) -> str | None:
    form = MoveForm(request.POST)
    return form.cleaned_data["direction"] if form.is_valid() else None


@login_required
@require_POST
@editing
def onderdeel_move(request, lsc_pk, versie_pk, onderdeel_pk):
    lsc, versie = _draft(request, lsc_pk, versie_pk)
    onderdeel = _part(versie, onderdeel_pk)
    direction = _direction(request)
    if direction is None:
        messages.error(request, _("Move a part up or down."))
        return _to_versie(lsc, versie)
    try:
        moved = services.onderdeel_move(
            versie=versie, user=request.user, onderdeel=onderdeel, direction=direction
        )
    except PermissionDenied as exc:
        return _refused(request, lsc, versie, exc)
    if not moved:
        messages.info(request, _("This part is already at that end."))
    return _to_versie(lsc, versie, f"onderdeel-{onderdeel.pk}")


# --- questions ---------------------------------------------------------------------------------


def _question(versie, vraag_pk) -> Vraag:
    vraag = (
        Vraag.objects.select_related("onderdeel")
        .filter(onderdeel__versie=versie, pk=vraag_pk)
        .first()
    )
    if vraag is None:
        raise Http404
    return vraag


def _question_form(request, lsc, versie, *, onderdeel=None, vraag=None):
    parts = list(versie.onderdelen.order_by("position", "pk")) if vraag else None
    initial = VraagForm.initial_from(vraag) if vraag else {"filled_by": Vraag.FilledBy.SCHOOL}
    form = VraagForm(request.POST or None, initial=initial, parts=parts)
    if request.method == "POST" and form.is_valid():
        try:
            if vraag is None:
                vraag = services.vraag_add(
                    versie=versie, user=request.user, onderdeel=onderdeel, **form.values()
                )
                messages.success(request, _("The question has been added."))
            else:
                vraag = services.vraag_update(
                    versie=versie, user=request.user, vraag=vraag, **form.values()
                )
                messages.success(request, _("The question has been saved."))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            return _refused(request, lsc, versie, exc)
        else:
            return _to_versie(lsc, versie, f"vraag-{vraag.pk}")
    return render(
        request,
        "leersteun/sjabloon/vraag_form.html",
        {
            "lsc": lsc,
            "versie": versie,
            "onderdeel": onderdeel or vraag.onderdeel,
            "vraag": vraag,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(FORM_METHODS)
@editing
def vraag_add(request, lsc_pk, versie_pk, onderdeel_pk):
    lsc, versie = _draft(request, lsc_pk, versie_pk)
    return _question_form(request, lsc, versie, onderdeel=_part(versie, onderdeel_pk))


@login_required
@require_http_methods(FORM_METHODS)
@editing
def vraag_edit(request, lsc_pk, versie_pk, vraag_pk):
    lsc, versie = _draft(request, lsc_pk, versie_pk)
    return _question_form(request, lsc, versie, vraag=_question(versie, vraag_pk))


@login_required
@require_POST
@editing
def vraag_delete(request, lsc_pk, versie_pk, vraag_pk):
    lsc, versie = _draft(request, lsc_pk, versie_pk)
    vraag = _question(versie, vraag_pk)
    try:
        services.vraag_delete(versie=versie, user=request.user, vraag=vraag)
    except PermissionDenied as exc:
        return _refused(request, lsc, versie, exc)
    messages.success(request, _("The question has been removed."))
    return _to_versie(lsc, versie, f"onderdeel-{vraag.onderdeel_id}")


@login_required
@require_POST
@editing
def vraag_move(request, lsc_pk, versie_pk, vraag_pk):
    lsc, versie = _draft(request, lsc_pk, versie_pk)
    vraag = _question(versie, vraag_pk)
    direction = _direction(request)
    if direction is None:
        messages.error(request, _("Move a question up or down."))
        return _to_versie(lsc, versie)
    try:
        moved = services.vraag_move(
            versie=versie, user=request.user, vraag=vraag, direction=direction
        )
    except PermissionDenied as exc:
        return _refused(request, lsc, versie, exc)
    if not moved:
        messages.info(request, _("This question is already at that end."))
    return _to_versie(lsc, versie, f"vraag-{vraag.pk}")


# --- filters -----------------------------------------------------------------------------------


def _filter(versie, filter_pk) -> Filter:
    found = Filter.objects.filter(versie=versie, pk=filter_pk).first()
    if found is None:
        raise Http404
    return found


def _filter_form(request, lsc, versie, found=None):
    initial = {"name": found.name, "description": found.description} if found else None
    form = FilterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if found is None:
                found = services.filter_add(versie=versie, user=request.user, **form.cleaned_data)
                messages.success(request, _("The filter has been added."))
            else:
                found = services.filter_update(
                    versie=versie, user=request.user, filter=found, **form.cleaned_data
                )
                messages.success(request, _("The filter has been saved."))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            return _refused(request, lsc, versie, exc)
        else:
            return _to_versie(lsc, versie, f"filter-{found.pk}")
    return render(
        request,
        "leersteun/sjabloon/filter_form.html",
        {"lsc": lsc, "versie": versie, "item": found, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(FORM_METHODS)
@editing
def filter_add(request, lsc_pk, versie_pk):
    lsc, versie = _draft(request, lsc_pk, versie_pk)
    return _filter_form(request, lsc, versie)


@login_required
@require_http_methods(FORM_METHODS)
@editing
def filter_edit(request, lsc_pk, versie_pk, filter_pk):
    lsc, versie = _draft(request, lsc_pk, versie_pk)
    return _filter_form(request, lsc, versie, _filter(versie, filter_pk))


@login_required
@require_POST
@editing
def filter_delete(request, lsc_pk, versie_pk, filter_pk):
    lsc, versie = _draft(request, lsc_pk, versie_pk)
    found = _filter(versie, filter_pk)
    try:
        services.filter_delete(versie=versie, user=request.user, filter=found)
    except PermissionDenied as exc:
        return _refused(request, lsc, versie, exc)
    messages.success(request, _("The filter “%(name)s” has been removed.") % {"name": found.name})
    return _to_versie(lsc, versie, "filters")


@login_required
@require_POST
@editing
def filter_move(request, lsc_pk, versie_pk, filter_pk):
    lsc, versie = _draft(request, lsc_pk, versie_pk)
    found = _filter(versie, filter_pk)
    direction = _direction(request)
    if direction is None:
        messages.error(request, _("Move a filter up or down."))
        return _to_versie(lsc, versie, "filters")
    try:
        moved = services.filter_move(
            versie=versie, user=request.user, filter=found, direction=direction
        )
    except PermissionDenied as exc:
        return _refused(request, lsc, versie, exc)
    if not moved:
        messages.info(request, _("This filter is already at that end."))
    return _to_versie(lsc, versie, f"filter-{found.pk}")
