"""Every write of an LSC's conversation template: a draft, its parts and questions, publishing.

Only the LSC's coördinator writes (``may_manage_templates``); each service checks it again and
locks the draft's row, so two edits of one draft follow each other. A published version never
changes: every service refuses it. A draft is a copy of the newest published version (the
LSC's own, else the platform's starter) that keeps each part's and question's ``key``.

The reads the template pages need (the LSC's versions, two versions compared) are in
``leersteun.selectors.sjablonen``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from dossier.core.access.organisations import may_manage_templates
from leersteun.models import Filter, Onderdeel, Sjabloon, SjabloonVersie, Vraag

TITLE_MAX = 200
INTRO_MAX = 2000
TEXT_MAX = 500
HELP_MAX = 1000
CHOICES_MAX = 2000
OPTION_MAX = 200
OPTIONS_MAX = 30
FILTER_NAME_MAX = 200
FILTER_DESCRIPTION_MAX = 2000

# which question kinds each prefill source can fill in: a list of people, or a text
PEOPLE_PREFILLS = {Vraag.Prefill.PEOPLE_WITH_ACCESS, Vraag.Prefill.ANKERPERSONEN}
TEXT_KINDS = {Vraag.Kind.SHORT_TEXT, Vraag.Kind.LONG_TEXT}

UP = "up"
DOWN = "down"


# --- the draft ---------------------------------------------------------------------------------


def _require_manager(user, lsc_id: int | None) -> None:
    if lsc_id is None or not may_manage_templates(user, lsc_id):
        raise PermissionDenied(_("Only the LSC's coördinator adapts its conversation template."))


def _lock_draft(versie: SjabloonVersie, user) -> SjabloonVersie:
    """The version's row, locked, after checking that it is a draft the person manages."""
    locked = (
        SjabloonVersie.objects.select_for_update(of=("self",))
        .select_related("sjabloon")
        .get(pk=versie.pk)
    )
    _require_manager(user, locked.sjabloon.lsc_id)
    if not locked.is_draft:
        raise PermissionDenied(_("A published version cannot be changed. Start a new draft."))
    return locked


def newest_published(sjabloon_id: int) -> SjabloonVersie | None:
    return (
        SjabloonVersie.objects.filter(sjabloon_id=sjabloon_id, published_at__isnull=False)
        .order_by("-number")
        .first()
    )


def _copy_content(source: SjabloonVersie, target: SjabloonVersie) -> None:
    """Every part, question and filter of ``source`` into ``target``, keys kept: five
    queries."""
    parts = list(source.onderdelen.order_by("position", "pk"))
    copies = Onderdeel.objects.bulk_create(
        Onderdeel(versie=target, key=p.key, position=i, title=p.title, intro=p.intro)
        for i, p in enumerate(parts)
    )
    copy_of = {p.pk: c for p, c in zip(parts, copies, strict=True)}
    questions = Vraag.objects.filter(onderdeel__versie=source).order_by("position", "pk")
    positions: dict[int, int] = {}
    rows = []
    for v in questions:
        position = positions.get(v.onderdeel_id, 0)
        positions[v.onderdeel_id] = position + 1
        rows.append(
            Vraag(
                onderdeel=copy_of[v.onderdeel_id],
                key=v.key,
                position=position,
                text=v.text,
                help_text=v.help_text,
                kind=v.kind,
                choices=v.choices,
                filled_by=v.filled_by,
                confidential=v.confidential,
                prefill=v.prefill,
            )
        )
    Vraag.objects.bulk_create(rows)
    Filter.objects.bulk_create(
        Filter(versie=target, key=f.key, position=i, name=f.name, description=f.description)
        for i, f in enumerate(source.filters.order_by("position", "pk"))
    )


@transaction.atomic
def sjabloon_draft_start(*, lsc: Organisation, user) -> tuple[SjabloonVersie, bool]:
    """The LSC's draft: the one it has, or a new one copied from the newest published version
    of its own template (the starter's while it has none). Returns (draft, created)."""
    _require_manager(user, lsc.pk)
    try:
        with transaction.atomic():
            sjabloon, _created = Sjabloon.objects.get_or_create(
                lsc=lsc, defaults={"name": f"Samenwerkingsgesprek {lsc.name}"[:200]}
            )
    except IntegrityError:  # a second coördinator made it at the same moment
        sjabloon = Sjabloon.objects.get(lsc=lsc)
    sjabloon = Sjabloon.objects.select_for_update().get(pk=sjabloon.pk)
    draft = sjabloon.versies.filter(published_at__isnull=True).first()
    if draft is not None:
        return draft, False
    source = newest_published(sjabloon.pk)
    if source is None:
        starter = Sjabloon.objects.filter(lsc__isnull=True).first()
        source = newest_published(starter.pk) if starter else None
    number = (sjabloon.versies.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = SjabloonVersie.objects.create(
        sjabloon=sjabloon, number=number, based_on=source, created_by=user
    )
    if source is not None:
        _copy_content(source, draft)
    return draft, True


# --- parts ---------------------------------------------------------------------------------------


def _clean_title(title: str, intro: str) -> tuple[str, str]:
    title = (title or "").strip()
    intro = (intro or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the part a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title under %(max)s characters.") % {"max": TITLE_MAX}
    if len(intro) > INTRO_MAX:
        errors["intro"] = _("Keep the introduction under %(max)s characters.") % {"max": INTRO_MAX}
    if "\x00" in title + intro:
        errors["title"] = _("This text holds a character that cannot be stored.")
    if errors:
        raise ValidationError(errors)
    return title, intro


def _renumber(rows) -> None:
    rows = list(rows)
    changed = []
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            changed.append(row)
    if changed:
        type(rows[0]).objects.bulk_update(changed, ["position"])


def _swap_with_neighbour(rows, pk: int, direction: str) -> bool:
    """Swap the row ``pk`` with its neighbour above or below and renumber; False when it is
    already first (last)."""
    rows = list(rows)
    index = next(i for i, row in enumerate(rows) if row.pk == pk)
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    _renumber(rows)
    return True


def _part_of(versie: SjabloonVersie, onderdeel_pk: int) -> Onderdeel:
    onderdeel = Onderdeel.objects.filter(versie=versie, pk=onderdeel_pk).first()
    if onderdeel is None:
        raise ValidationError(_("This part is not in this version."))
    return onderdeel


@transaction.atomic
def onderdeel_add(*, versie: SjabloonVersie, user, title: str, intro: str = "") -> Onderdeel:
    versie = _lock_draft(versie, user)
    title, intro = _clean_title(title, intro)
    last = versie.onderdelen.aggregate(n=Max("position"))["n"]
    return Onderdeel.objects.create(
        versie=versie, title=title, intro=intro, position=0 if last is None else last + 1
    )


@transaction.atomic
def onderdeel_update(
    *, versie: SjabloonVersie, user, onderdeel: Onderdeel, title: str, intro: str = ""
) -> Onderdeel:
    versie = _lock_draft(versie, user)
    onderdeel = _part_of(versie, onderdeel.pk)
    onderdeel.title, onderdeel.intro = _clean_title(title, intro)
    onderdeel.save(update_fields=["title", "intro"])
    return onderdeel


@transaction.atomic
def onderdeel_delete(*, versie: SjabloonVersie, user, onderdeel: Onderdeel) -> None:
    """Remove a part and its questions from the draft (earlier versions keep them)."""
    versie = _lock_draft(versie, user)
    _part_of(versie, onderdeel.pk).delete()
    _renumber(versie.onderdelen.order_by("position", "pk"))


@transaction.atomic
def onderdeel_move(*, versie: SjabloonVersie, user, onderdeel: Onderdeel, direction: str) -> bool:
    """One place up or down; False when it is already first (last)."""
    if direction not in (UP, DOWN):
        raise ValidationError(_("Move a part up or down."))
    versie = _lock_draft(versie, user)
    onderdeel = _part_of(versie, onderdeel.pk)
    return _swap_with_neighbour(
        versie.onderdelen.order_by("position", "pk"), onderdeel.pk, direction
    )


# --- questions -----------------------------------------------------------------------------------


def clean_options(choices: str) -> list[str]:
    """The options of a choice question, one per line: stripped, empty lines and repeats
    dropped."""
    options: list[str] = []
    for line in (choices or "").splitlines():
        line = line.strip()
        if line and line not in options:
            options.append(line)
    return options


def _clean_question(
    *, text, help_text, kind, choices, filled_by, confidential, prefill
) -> dict[str, object]:
    errors: dict[str, str] = {}
    text = (text or "").strip()
    help_text = (help_text or "").strip()
    prefill = prefill or ""
    if not text:
        errors["text"] = _("Write the question.")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("Keep the question under %(max)s characters.") % {"max": TEXT_MAX}
    if len(help_text) > HELP_MAX:
        errors["help_text"] = _("Keep the explanation under %(max)s characters.") % {
            "max": HELP_MAX
        }
    if "\x00" in text + help_text + (choices or ""):
        errors["text"] = _("This text holds a character that cannot be stored.")
    if kind not in Vraag.Kind.values:
        errors["kind"] = _("Choose a kind of answer.")
    if filled_by not in Vraag.FilledBy.values:
        errors["filled_by"] = _("Choose who fills in this question.")
    if prefill not in Vraag.Prefill.values:
        errors["prefill"] = _("Choose what the platform fills in beforehand.")
    options = clean_options(choices) if kind == Vraag.Kind.CHOICE else []
    if kind == Vraag.Kind.CHOICE:
        if not options:
            errors["choices"] = _("Give a choice question at least one option, one per line.")
        elif len(options) > OPTIONS_MAX:
            errors["choices"] = _("Give at most %(max)s options.") % {"max": OPTIONS_MAX}
        elif any(len(option) > OPTION_MAX for option in options):
            errors["choices"] = _("Keep each option under %(max)s characters.") % {
                "max": OPTION_MAX
            }
        elif len("\n".join(options)) > CHOICES_MAX:
            errors["choices"] = _("The options are too long together.")
    if prefill and "kind" not in errors and "prefill" not in errors:
        fits = kind in TEXT_KINDS or (kind == Vraag.Kind.PEOPLE and prefill in PEOPLE_PREFILLS)
        if not fits:
            errors["prefill"] = _(
                "What the platform knows fits only a text question, or (for people) a list of "
                "people."
            )
    if errors:
        raise ValidationError(errors)
    return {
        "text": text,
        "help_text": help_text,
        "kind": kind,
        "choices": "\n".join(options),
        "filled_by": filled_by,
        "confidential": bool(confidential),
        "prefill": prefill,
    }


def _question_of(versie: SjabloonVersie, vraag_pk: int) -> Vraag:
    vraag = Vraag.objects.filter(onderdeel__versie=versie, pk=vraag_pk).first()
    if vraag is None:
        raise ValidationError(_("This question is not in this version."))
    return vraag


@transaction.atomic
def vraag_add(
    *,
    versie: SjabloonVersie,
    user,
    onderdeel: Onderdeel,
    text: str,
    kind: str,
    help_text: str = "",
    choices: str = "",
    filled_by: str = Vraag.FilledBy.SCHOOL,
    confidential: bool = False,
    prefill: str = "",
) -> Vraag:
    """A new question at the end of the part."""
    versie = _lock_draft(versie, user)
    onderdeel = _part_of(versie, onderdeel.pk)
    fields = _clean_question(
        text=text,
        help_text=help_text,
        kind=kind,
        choices=choices,
        filled_by=filled_by,
        confidential=confidential,
        prefill=prefill,
    )
    last = onderdeel.vragen.aggregate(n=Max("position"))["n"]
    return Vraag.objects.create(
        onderdeel=onderdeel, position=0 if last is None else last + 1, **fields
    )


@transaction.atomic
def vraag_update(
    *,
    versie: SjabloonVersie,
    user,
    vraag: Vraag,
    text: str,
    kind: str,
    help_text: str = "",
    choices: str = "",
    filled_by: str = Vraag.FilledBy.SCHOOL,
    confidential: bool = False,
    prefill: str = "",
    onderdeel: Onderdeel | None = None,
) -> Vraag:
    """Change a question; with ``onderdeel``, it moves to the end of that part. Its key stays."""
    versie = _lock_draft(versie, user)
    vraag = _question_of(versie, vraag.pk)
    fields = _clean_question(
        text=text,
        help_text=help_text,
        kind=kind,
        choices=choices,
        filled_by=filled_by,
        confidential=confidential,
        prefill=prefill,
    )
    old_part_id = vraag.onderdeel_id
    if onderdeel is not None and onderdeel.pk != old_part_id:
        target = _part_of(versie, onderdeel.pk)
        last = target.vragen.aggregate(n=Max("position"))["n"]
        vraag.onderdeel = target
        vraag.position = 0 if last is None else last + 1
    for name, value in fields.items():
        setattr(vraag, name, value)
    vraag.save()
    if vraag.onderdeel_id != old_part_id:
        _renumber(Vraag.objects.filter(onderdeel_id=old_part_id).order_by("position", "pk"))
    return vraag


@transaction.atomic
def vraag_delete(*, versie: SjabloonVersie, user, vraag: Vraag) -> None:
    versie = _lock_draft(versie, user)
    vraag = _question_of(versie, vraag.pk)
    part_id = vraag.onderdeel_id
    vraag.delete()
    _renumber(Vraag.objects.filter(onderdeel_id=part_id).order_by("position", "pk"))


@transaction.atomic
def vraag_move(*, versie: SjabloonVersie, user, vraag: Vraag, direction: str) -> bool:
    """One place up or down within its part; from the top (bottom) of a part to the end
    (start) of the part before (after) it. False when there is nowhere to go."""
    if direction not in (UP, DOWN):
        raise ValidationError(_("Move a question up or down."))
    versie = _lock_draft(versie, user)
    vraag = _question_of(versie, vraag.pk)
    siblings = list(
        Vraag.objects.filter(onderdeel_id=vraag.onderdeel_id).order_by("position", "pk")
    )
    index = next(i for i, v in enumerate(siblings) if v.pk == vraag.pk)
    other = index - 1 if direction == UP else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
        _renumber(siblings)
        return True
    parts = list(versie.onderdelen.order_by("position", "pk"))
    part_index = next(i for i, p in enumerate(parts) if p.pk == vraag.onderdeel_id)
    neighbour = part_index - 1 if direction == UP else part_index + 1
    if not 0 <= neighbour < len(parts):
        return False
    target = parts[neighbour]
    rows = list(target.vragen.order_by("position", "pk"))
    vraag.onderdeel = target
    vraag.save(update_fields=["onderdeel"])
    rows = [*rows, vraag] if direction == UP else [vraag, *rows]
    vraag.position = -1  # make _renumber write it
    _renumber(rows)
    siblings.remove(vraag)
    _renumber(siblings)
    return True


# --- filters -------------------------------------------------------------------------------------


def _clean_filter(name: str, description: str) -> tuple[str, str]:
    name = (name or "").strip()
    description = (description or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the filter a name.")
    elif len(name) > FILTER_NAME_MAX:
        errors["name"] = _("Keep the name under %(max)s characters.") % {"max": FILTER_NAME_MAX}
    if len(description) > FILTER_DESCRIPTION_MAX:
        errors["description"] = _("Keep the description under %(max)s characters.") % {
            "max": FILTER_DESCRIPTION_MAX
        }
    if "\x00" in name + description:
        errors["name"] = _("This text holds a character that cannot be stored.")
    if errors:
        raise ValidationError(errors)
    return name, description


def _filter_of(versie: SjabloonVersie, filter_pk: int) -> Filter:
    found = Filter.objects.filter(versie=versie, pk=filter_pk).first()
    if found is None:
        raise ValidationError(_("This filter is not in this version."))
    return found


@transaction.atomic
def filter_add(*, versie: SjabloonVersie, user, name: str, description: str = "") -> Filter:
    """A new filter at the end of the draft's filters (a new key)."""
    versie = _lock_draft(versie, user)
    name, description = _clean_filter(name, description)
    last = versie.filters.aggregate(n=Max("position"))["n"]
    return Filter.objects.create(
        versie=versie,
        name=name,
        description=description,
        position=0 if last is None else last + 1,
    )


@transaction.atomic
def filter_update(
    *, versie: SjabloonVersie, user, filter: Filter, name: str, description: str = ""
) -> Filter:
    """Reword a filter of the draft; its key stays, so the versions still match it."""
    versie = _lock_draft(versie, user)
    found = _filter_of(versie, filter.pk)
    found.name, found.description = _clean_filter(name, description)
    found.save(update_fields=["name", "description"])
    return found


@transaction.atomic
def filter_delete(*, versie: SjabloonVersie, user, filter: Filter) -> None:
    """Remove a filter from the draft (earlier versions and past screenings keep it)."""
    versie = _lock_draft(versie, user)
    _filter_of(versie, filter.pk).delete()
    _renumber(versie.filters.order_by("position", "pk"))


@transaction.atomic
def filter_move(*, versie: SjabloonVersie, user, filter: Filter, direction: str) -> bool:
    """One place up or down; False when it is already first (last)."""
    if direction not in (UP, DOWN):
        raise ValidationError(_("Move a filter up or down."))
    versie = _lock_draft(versie, user)
    found = _filter_of(versie, filter.pk)
    return _swap_with_neighbour(versie.filters.order_by("position", "pk"), found.pk, direction)


# --- publishing ----------------------------------------------------------------------------------


@transaction.atomic
def versie_publish(*, versie: SjabloonVersie, user) -> SjabloonVersie:
    """The draft becomes the LSC's published version: new conversations are held with it.
    Refused, with nothing written, while a part has no title, a choice question no options,
    or the version no question at all."""
    versie = _lock_draft(versie, user)
    parts = list(versie.onderdelen.order_by("position", "pk").prefetch_related("vragen"))
    problems = []
    if not any(part.vragen.all() for part in parts):
        problems.append(_("Add at least one question before publishing."))
    for position, part in enumerate(parts, start=1):
        if not part.title.strip():
            problems.append(_("Part %(number)s has no title.") % {"number": position})
        for vraag in part.vragen.all():
            if vraag.kind == Vraag.Kind.CHOICE and not vraag.choice_list:
                problems.append(
                    _("The choice question “%(question)s” has no options.")
                    % {"question": vraag.text}
                )
    if problems:
        raise ValidationError(problems)
    versie.published_at = timezone.now()
    versie.published_by = user
    versie.save(update_fields=["published_at", "published_by"])
    return versie
