from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Membership
from accounts.roles import Role
from consultatie.filters import ConsultatieFilter
from consultatie.forms import ConsultatieForm, EarlierAdviceForm, GuideForm, OpmerkingForm
from consultatie.models import Gespreksleidraad
from consultatie.section import NOTE_ADVICE_SHOWN, NOTE_EDIT_OPENED, NOTE_LISTED, NOTE_OPENED
from consultatie.selectors import (
    DEFAULT_PROMPTS,
    earlier_advice,
    note_get_for_user,
    notes_for_dossier,
    readable_dossier_ids,
    theme_overview,
)
from consultatie.services import (
    FullNameWarning,
    consultatie_create,
    consultatie_mark_client_relationship,
    consultatie_update,
    consultaties_shown,
    gespreksleidraad_save,
    opmerking_add,
)
from dossier.core import pagecache
from dossier.core.access import (
    CLB,
    Section,
    dossier_roster,
    people_with_access,
    require_section,
)
from samenwerking.forms import apply_validation_error
from samenwerking.listing import page_of, querystring_without_page

PAGE_SIZE = 20


def _prompts_for(access) -> dict:
    """The prompts of the writer's CLB's conversation guide, if it has its own."""
    clb_id = access.organisation_id(CLB)
    guide = Gespreksleidraad.objects.filter(organisation_id=clb_id).first() if clb_id else None
    if guide is None:
        return {}
    return {name: getattr(guide, name) for name in ("question", "analysis", "advice", "next_steps")}


def _form_context(dossier, access, form, note=None, warning=False, earlier=(), asked=False):
    return {
        "dossier": dossier,
        "access": access,
        "form": form,
        "note": note,
        "name_warning": warning,
        # the "eerder geadviseerd" panel, filled in on the server for the theme and label the
        # form holds (a note being changed, a form sent back with errors); htmx keeps it up
        # to date as they change
        "earlier": earlier,
        "asked": asked,
    }


def _earlier_for_form(dossier, form, note=None) -> tuple[list, bool]:
    """The earlier advice for the themes and label in ``form``, and whether there were any to
    look for. A form sent back has its valid themes in ``cleaned_data`` (already read, no
    query) and its label as typed; an unsent form has the note's."""
    if form.is_bound:
        themas = getattr(form, "cleaned_data", {}).get("themas") or []
        label = form.data.get("label") or ""
    else:
        themas = form.initial.get("themas") or []
        label = form.initial.get("label") or ""
    thema_ids = [thema.pk for thema in themas]
    label = str(label).strip()[:60]
    if not (thema_ids or label):
        return [], False
    earlier = earlier_advice(
        dossier, thema_ids=thema_ids, label=label, exclude_pk=note.pk if note else None
    )
    return earlier, True


@login_required
@require_safe
@pagecache.dossier_page(Section.CONSULTATIES, on_hit=pagecache.audit_again)
def note_list(request, pk):
    dossier, access = require_section(request.user, pk, Section.CONSULTATIES)
    notes = notes_for_dossier(dossier)
    filterset = ConsultatieFilter(request.GET or None, queryset=notes)
    valid = not filterset.is_bound or filterset.is_valid()
    page = page_of(request, filterset.qs if valid else notes, valid=valid, per_page=PAGE_SIZE)
    # the list shows each note's question: the notes of this page are recorded, in one insert
    entries = consultaties_shown(reader=request.user, shown=[(NOTE_LISTED, note) for note in page])
    pagecache.keep_for_hits(request, entries)  # served again, it records them again
    context = {
        "dossier": dossier,
        "access": access,
        "filter": filterset,
        "page": page,
        "querystring": querystring_without_page(request),
        "can_write": access.may_write_notes(),
    }
    template = (
        "consultatie/_note_results.html"
        if request.htmx and request.htmx.target == "note-results"
        else "consultatie/note_list.html"
    )
    return render(request, template, context, status=200 if valid else 400)


def _save_note(request, dossier, access, *, note=None):
    # everyone with access may be named as a participant; the access module says who of them
    # reads consultation notes, and the form shows the others apart
    roster = dossier_roster(dossier)
    people = list(people_with_access(dossier, roster=roster).order_by("last_name", "first_name"))
    readers = [pk for pk, standing in roster.items() if standing.can_read(Section.CONSULTATIES)]
    prompts = _prompts_for(access)
    initial = ConsultatieForm.initial_from(note) if note else None
    form = ConsultatieForm(
        request.POST or None, people=people, readers=readers, prompts=prompts, initial=initial
    )
    warning = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        themas = list(data.pop("themas"))
        participants = list(data.pop("participants"))
        confirm_name = data.pop("confirm_name")
        try:
            if note is None:
                note = consultatie_create(
                    dossier=dossier,
                    author=request.user,
                    access=access,
                    themas=themas,
                    participants=participants,
                    confirm_name=confirm_name,
                    **data,
                )
                messages.success(request, _("The consultation note has been saved."))
            else:
                consultatie_update(
                    note=note,
                    editor=request.user,
                    access=access,
                    themas=themas,
                    participants=participants,
                    confirm_name=confirm_name,
                    **data,
                )
                messages.success(request, _("The consultation note has been changed."))
        except FullNameWarning as exc:
            warning = True
            apply_validation_error(form, exc)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect("consultatie:detail", pk=dossier.pk, note_pk=note.pk)
    earlier, asked = _earlier_for_form(dossier, form, note)
    if request.method != "HEAD":  # a HEAD request shows nothing
        shown = [(NOTE_ADVICE_SHOWN, other) for other in earlier]
        if note is not None and request.method == "GET":
            # the form shows the note's text; a POST shows what the writer just sent
            shown.insert(0, (NOTE_EDIT_OPENED, note))
        # the note and the earlier advice beside it: one insert
        consultaties_shown(reader=request.user, shown=shown)
    return render(
        request,
        "consultatie/note_form.html",
        _form_context(dossier, access, form, note, warning, earlier, asked),
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def note_create(request, pk):
    dossier, access = require_section(request.user, pk, Section.CONSULTATIES, write=True)
    if not access.may_write_notes():
        raise PermissionDenied
    return _save_note(request, dossier, access)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def note_edit(request, pk, note_pk):
    dossier, access, note = note_get_for_user(request.user, pk=pk, note_pk=note_pk, write=True)
    if not access.may_write_notes():
        raise PermissionDenied
    return _save_note(request, dossier, access, note=note)


@login_required
@require_safe
@pagecache.dossier_page(Section.CONSULTATIES, on_hit=pagecache.audit_again)
def note_detail(request, pk, note_pk):
    dossier, access, note = note_get_for_user(request.user, pk=pk, note_pk=note_pk)
    earlier = earlier_advice(
        dossier,
        thema_ids=[t.pk for t in note.themas.all()],
        label=note.label,
        exclude_pk=note.pk,
    )
    # the note itself and the advice of the earlier notes beside it: one insert for the page
    entries = consultaties_shown(
        reader=request.user,
        shown=[(NOTE_OPENED, note), *((NOTE_ADVICE_SHOWN, other) for other in earlier)],
    )
    pagecache.keep_for_hits(request, entries)  # served again, it records them again
    return render(
        request,
        "consultatie/note_detail.html",
        {
            "dossier": dossier,
            "access": access,
            "note": note,
            "can_write": access.may_write_notes(),
            "can_remark": access.may_remark(),
            "remark_form": OpmerkingForm(),
            "earlier": earlier,
        },
    )


@login_required
@require_POST
def opmerking_add_view(request, pk, note_pk):
    dossier, access, note = note_get_for_user(request.user, pk=pk, note_pk=note_pk, write=True)
    form = OpmerkingForm(request.POST)
    if form.is_valid():
        try:
            opmerking_add(
                note=note, author=request.user, access=access, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your remark has been added."))
    else:
        messages.error(request, _("Write a remark of at most 2000 characters."))
    return redirect("consultatie:detail", pk=dossier.pk, note_pk=note.pk)


@login_required
@require_POST
def client_relationship_view(request, pk, note_pk):
    dossier, access, note = note_get_for_user(request.user, pk=pk, note_pk=note_pk, write=True)
    if not access.may_write_notes():
        raise PermissionDenied
    try:
        consultatie_mark_client_relationship(note=note, actor=request.user, access=access)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.warning(
            request,
            _(
                "The note is closed here. Record the client relationship in the CLB's own file "
                "(LARS): nothing from this note is copied there."
            ),
        )
    return redirect("consultatie:detail", pk=dossier.pk, note_pk=note.pk)


@login_required
@require_safe
@pagecache.dossier_page(Section.CONSULTATIES, on_hit=pagecache.audit_again)
def earlier_advice_view(request, pk):
    """The "eerder geadviseerd" fragment beside the note form (htmx)."""
    dossier, access = require_section(request.user, pk, Section.CONSULTATIES)
    form = EarlierAdviceForm(request.GET)
    notes = []
    if form.is_valid():
        notes = earlier_advice(
            dossier,
            thema_ids=[t.pk for t in form.cleaned_data["themas"]],
            label=form.cleaned_data["label"] or "",
            exclude_pk=form.cleaned_data["note"],
        )
        entries = consultaties_shown(
            reader=request.user, shown=[(NOTE_ADVICE_SHOWN, other) for other in notes]
        )
        pagecache.keep_for_hits(request, entries)  # served again, it records them again
    return render(
        request,
        "consultatie/_earlier_advice.html",
        {"dossier": dossier, "earlier": notes, "asked": form.is_valid()},
        status=200 if form.is_valid() else 400,
    )


@login_required
@require_safe
@pagecache.dossier_page(Section.CONSULTATIES)
def dossier_themes(request, pk):
    dossier, access = require_section(request.user, pk, Section.CONSULTATIES)
    overview = theme_overview([dossier.pk])
    return render(
        request,
        "consultatie/themes.html",
        {"dossier": dossier, "access": access, "overview": overview},
    )


@login_required
@require_safe
@pagecache.across_page(Section.CONSULTATIES)
def my_themes(request):
    """The same red threads across all schools whose notes the person may read."""
    ids = readable_dossier_ids(request.user)
    overview = theme_overview(ids)
    is_clb_directeur = (
        Membership.objects.active_on(timezone.localdate())
        .filter(user=request.user, role=Role.CLB_DIRECTEUR)
        .exists()
    )
    return render(
        request,
        "consultatie/my_themes.html",
        {
            "overview": overview,
            "school_count": len(ids),
            "is_clb_directeur": is_clb_directeur,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def guide_edit(request):
    """A CLB directeur words the prompts of the CLB's own conversation guide."""
    membership = (
        Membership.objects.active_on(timezone.localdate())
        .filter(user=request.user, role=Role.CLB_DIRECTEUR)
        .select_related("organisation")
        .first()
    )
    if membership is None:
        raise Http404
    clb = membership.organisation
    guide = Gespreksleidraad.objects.filter(organisation=clb).first()
    initial = (
        {n: getattr(guide, n) for n in ("question", "analysis", "advice", "next_steps")}
        if guide
        else {}
    )
    form = GuideForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                gespreksleidraad_save(clb=clb, editor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The conversation guide has been saved."))
                return redirect("consultatie:guide")
        return render(request, "consultatie/guide.html", {"form": form, "clb": clb}, status=400)
    return render(
        request, "consultatie/guide.html", {"form": form, "clb": clb, "defaults": DEFAULT_PROMPTS}
    )
