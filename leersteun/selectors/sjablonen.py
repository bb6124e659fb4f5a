"""Reads of the conversation templates."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from leersteun.models import Filter, Onderdeel, Sjabloon, SjabloonVersie, Vraag


def starter_template() -> Sjabloon | None:
    return Sjabloon.objects.filter(lsc__isnull=True).first()


def published_version_for(lsc_id: int) -> SjabloonVersie | None:
    """The version a new conversation of this LSC is held with: the newest published version
    of its own template, or of the starter template while it has none published."""
    published = SjabloonVersie.objects.filter(published_at__isnull=False).order_by("-number")
    own = published.filter(sjabloon__lsc_id=lsc_id).first()
    return own or published.filter(sjabloon__lsc__isnull=True).first()


def version_with_questions(versie_pk: int):
    """A version with its parts and their questions in order: three queries."""
    return (
        SjabloonVersie.objects.select_related("sjabloon", "published_by")
        .prefetch_related(
            Prefetch(
                "onderdelen",
                queryset=Onderdeel.objects.order_by("position", "pk").prefetch_related(
                    Prefetch("vragen", queryset=Vraag.objects.order_by("position", "pk"))
                ),
            )
        )
        .filter(pk=versie_pk)
        .first()
    )


def questions_of(versie) -> list[Vraag]:
    return list(
        Vraag.objects.filter(onderdeel__versie=versie)
        .select_related("onderdeel")
        .order_by("onderdeel__position", "onderdeel__pk", "position", "pk")
    )


# --- reads for the template pages ----------------------------------------------------------------


def lsc_template(lsc_id: int) -> tuple[Sjabloon | None, list[SjabloonVersie]]:
    """The LSC's own template and its versions, newest first (two queries)."""
    sjabloon = Sjabloon.objects.filter(lsc_id=lsc_id).first()
    if sjabloon is None:
        return None, []
    versies = list(
        sjabloon.versies.select_related("published_by", "based_on__sjabloon").order_by("-number")
    )
    return sjabloon, versies


def starter_published() -> SjabloonVersie | None:
    """The newest published version of the starter template, with its parts."""
    return (
        SjabloonVersie.objects.filter(sjabloon__lsc__isnull=True, published_at__isnull=False)
        .select_related("sjabloon")
        .prefetch_related(
            Prefetch(
                "onderdelen",
                queryset=Onderdeel.objects.order_by("position", "pk").prefetch_related(
                    Prefetch("vragen", queryset=Vraag.objects.order_by("position", "pk"))
                ),
            )
        )
        .order_by("-number")
        .first()
    )


def version_for_lsc(lsc_id: int, versie_pk: int) -> SjabloonVersie | None:
    """A version of the LSC's own template or of the starter, with its parts, questions and
    filters in order (four queries); None for any other."""
    return _version_query(lsc_id).filter(pk=versie_pk).first()


def _version_query(lsc_id: int):
    return (
        SjabloonVersie.objects.filter(Q(sjabloon__lsc_id=lsc_id) | Q(sjabloon__lsc__isnull=True))
        .select_related("sjabloon", "published_by", "based_on__sjabloon")
        .prefetch_related(
            Prefetch(
                "onderdelen",
                queryset=Onderdeel.objects.order_by("position", "pk").prefetch_related(
                    Prefetch("vragen", queryset=Vraag.objects.order_by("position", "pk"))
                ),
            )
        )
        .prefetch_related(Prefetch("filters", queryset=Filter.objects.order_by("position", "pk")))
    )


def version_filters(versie: SjabloonVersie) -> list[Filter]:
    """The version's filters in order: prefetched when it was loaded by ``version_for_lsc``,
    else one query."""
    return list(versie.filters.all())


def comparable_versions(lsc_id: int) -> list[SjabloonVersie]:
    """Every version the LSC may compare: its own (newest first), then the starter's."""
    return list(
        _version_query(lsc_id)
        .prefetch_related(None)
        .order_by("sjabloon__lsc_id", "-number")
        .select_related("sjabloon")
    )


# --- comparing two versions ----------------------------------------------------------------------


@dataclass
class QuestionChange:
    old: Vraag
    new: Vraag
    reworded: bool = False
    other_part: tuple[str, str] | None = None  # (old part title, new part title)
    moved: bool = False  # another place within the same part
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (what, old, new)


@dataclass
class FilterChange:
    old: Filter
    new: Filter
    renamed: bool = False
    redescribed: bool = False


@dataclass
class VersionDiff:
    parts_added: list[Onderdeel] = field(default_factory=list)
    parts_removed: list[Onderdeel] = field(default_factory=list)
    parts_renamed: list[tuple[Onderdeel, Onderdeel]] = field(default_factory=list)
    parts_moved: list[Onderdeel] = field(default_factory=list)
    added: list[Vraag] = field(default_factory=list)
    removed: list[Vraag] = field(default_factory=list)
    changed: list[QuestionChange] = field(default_factory=list)
    filters_added: list[Filter] = field(default_factory=list)
    filters_removed: list[Filter] = field(default_factory=list)
    filters_changed: list[FilterChange] = field(default_factory=list)
    filters_moved: list[Filter] = field(default_factory=list)

    @property
    def filters_differ(self) -> bool:
        return any(
            (self.filters_added, self.filters_removed, self.filters_changed, self.filters_moved)
        )

    @property
    def is_empty(self) -> bool:
        return not self.filters_differ and not any(
            (
                self.parts_added,
                self.parts_removed,
                self.parts_renamed,
                self.parts_moved,
                self.added,
                self.removed,
                self.changed,
            )
        )


def _out_of_order(old_order: list, new_order: list) -> set:
    """The items (present in both lists) that changed place: all but the longest run that
    kept its relative order (a longest increasing subsequence)."""
    common = [item for item in old_order if item in set(new_order)]
    rank = {item: i for i, item in enumerate(x for x in new_order if x in set(common))}
    sequence = [rank[item] for item in common]
    # patience sorting with back-pointers
    tails: list[int] = []
    tails_index: list[int] = []
    parent = [-1] * len(sequence)

    for i, value in enumerate(sequence):
        j = bisect.bisect_left(tails, value)
        if j == len(tails):
            tails.append(value)
            tails_index.append(i)
        else:
            tails[j] = value
            tails_index[j] = i
        parent[i] = tails_index[j - 1] if j else -1
    keep = set()
    i = tails_index[-1] if tails_index else -1
    while i != -1:
        keep.add(common[i])
        i = parent[i]
    return set(common) - keep


def _display(vraag: Vraag, name: str) -> str:
    if name == "confidential":
        return _("yes") if vraag.confidential else _("no")
    if name == "choices":
        return ", ".join(vraag.choice_list) or "–"
    if name == "help_text":
        return vraag.help_text or "–"
    return getattr(vraag, f"get_{name}_display")() or "–"


def versions_compare(old: SjabloonVersie, new: SjabloonVersie) -> VersionDiff:
    """What changed from ``old`` to ``new``, parts and questions matched by their key. Both
    are loaded with their parts and questions (``version_for_lsc``): no further query."""
    diff = VersionDiff()
    old_parts = {p.key: p for p in old.onderdelen.all()}
    new_parts = {p.key: p for p in new.onderdelen.all()}
    diff.parts_added = [p for k, p in new_parts.items() if k not in old_parts]
    diff.parts_removed = [p for k, p in old_parts.items() if k not in new_parts]
    diff.parts_renamed = [
        (old_parts[k], p)
        for k, p in new_parts.items()
        if k in old_parts and old_parts[k].title != p.title
    ]
    moved_parts = _out_of_order(list(old_parts), list(new_parts))
    diff.parts_moved = [p for k, p in new_parts.items() if k in moved_parts]

    old_questions = {v.key: (v, p) for p in old_parts.values() for v in p.vragen.all()}
    new_questions = {v.key: (v, p) for p in new_parts.values() for v in p.vragen.all()}
    diff.added = [v for k, (v, _p) in new_questions.items() if k not in old_questions]
    diff.removed = [v for k, (v, _p) in old_questions.items() if k not in new_questions]
    moved: set = set()
    for key, part in new_parts.items():
        if key not in old_parts:
            continue
        stay = [
            v.key
            for v in part.vragen.all()
            if v.key in old_questions and old_questions[v.key][1].key == key
        ]
        before = [v.key for v in old_parts[key].vragen.all() if v.key in set(stay)]
        moved |= _out_of_order(before, stay)
    for key, (vraag, part) in new_questions.items():
        if key not in old_questions:
            continue
        was, was_part = old_questions[key]
        change = QuestionChange(old=was, new=vraag)
        change.reworded = was.text != vraag.text
        if was_part.key != part.key:
            change.other_part = (was_part.title, part.title)
        change.moved = key in moved
        for name, label in (
            ("kind", _("Kind of answer")),
            ("filled_by", _("Filled in by")),
            ("confidential", _("Confidential")),
            ("choices", _("Options")),
            ("prefill", _("Filled in beforehand with")),
            ("help_text", _("Explanation")),
        ):
            if getattr(was, name) != getattr(vraag, name):
                change.fields.append((label, _display(was, name), _display(vraag, name)))
        if change.reworded or change.other_part or change.moved or change.fields:
            diff.changed.append(change)
    _compare_filters(diff, old, new)
    return diff


def _compare_filters(diff: VersionDiff, old: SjabloonVersie, new: SjabloonVersie) -> None:
    """The filters added, removed, reworded and moved, matched by their key."""
    old_filters = {f.key: f for f in version_filters(old)}
    new_filters = {f.key: f for f in version_filters(new)}
    diff.filters_added = [f for k, f in new_filters.items() if k not in old_filters]
    diff.filters_removed = [f for k, f in old_filters.items() if k not in new_filters]
    for key, now in new_filters.items():
        was = old_filters.get(key)
        if was is None:
            continue
        change = FilterChange(
            old=was,
            new=now,
            renamed=was.name != now.name,
            redescribed=was.description != now.description,
        )
        if change.renamed or change.redescribed:
            diff.filters_changed.append(change)
    moved = _out_of_order(list(old_filters), list(new_filters))
    diff.filters_moved = [f for k, f in new_filters.items() if k in moved]
