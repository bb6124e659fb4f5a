"""Reads of a school's samenwerkingsgesprekken, built on the access module."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404

from dossier.core.access import LSC, SCHOOL, DossierAccess, Section, require_section
from leersteun.models import Antwoord, AntwoordVersie, Gesprek, GesprekAfspraak, Onderdeel, Vraag


def sees_confidential(access: DossierAccess) -> bool:
    """Confidential answers are for the school and the LSC; the CLB never sees them."""
    return bool(access.sides(Section.LEERSTEUN) & {SCHOOL, LSC})


def gesprekken_for(dossier):
    return (
        Gesprek.objects.filter(dossier=dossier)
        .select_related("lsc", "versie__sjabloon")
        .order_by("-school_year", "lsc__name")
    )


def gesprek_get(user, *, pk, gesprek_pk, write: bool = False):
    """(dossier, access, conversation) or 404; with ``write``, 403 for a reader."""
    dossier, access = require_section(user, pk, Section.LEERSTEUN, write=write)
    gesprek = (
        gesprekken_for(dossier)
        .select_related("previous", "created_by", "closed_by")
        .filter(pk=gesprek_pk)
        .first()
    )
    if gesprek is None:
        raise Http404
    gesprek.dossier = dossier
    return dossier, access, gesprek


def require_answering_side(access: DossierAccess) -> None:
    if not access.sides(Section.LEERSTEUN, write=True):
        raise PermissionDenied


@dataclass
class Item:
    """One question of the conversation with its answer, as the page shows it."""

    vraag: Vraag
    antwoord: Antwoord | None
    mine: bool  # the person's side fills it in
    hidden: bool  # confidential, and the person may never see it (the CLB)
    revealed: bool = False

    @property
    def value(self):
        return self.antwoord.value if self.antwoord else None

    @property
    def is_open(self) -> bool:
        return self.antwoord is None or (
            self.antwoord.value is None or self.antwoord.origin != Antwoord.Origin.ANSWERED
        )

    @property
    def changed_since_last_year(self) -> bool:
        return (
            self.antwoord is not None
            and self.antwoord.previous_value is not None
            and self.antwoord.value != self.antwoord.previous_value
        )


@dataclass
class Part:
    onderdeel: Onderdeel
    items: list[Item] = field(default_factory=list)

    def open_count(self, side: str) -> int:
        return sum(1 for item in self.items if item.vraag.filled_by == side and item.is_open)

    def count(self, side: str) -> int:
        return sum(1 for item in self.items if item.vraag.filled_by == side)

    @property
    def progress(self) -> list[tuple[str, int, int]]:
        """(side, filled in, questions) for each side that has questions in this part."""
        rows = []
        for side in (SCHOOL, LSC):
            total = self.count(side)
            if total:
                rows.append((side, total - self.open_count(side), total))
        return rows


def gesprek_parts(gesprek: Gesprek, access: DossierAccess, *, revealed=()) -> list[Part]:
    """The conversation's parts, questions and answers: three queries, whatever its size."""
    writes = access.sides(Section.LEERSTEUN, write=True)
    confidential_ok = sees_confidential(access)
    answers = {
        a.vraag_id: a
        for a in Antwoord.objects.filter(gesprek=gesprek)
        .select_related("answered_by")
        .prefetch_related(
            Prefetch("versies", queryset=AntwoordVersie.objects.select_related("answered_by"))
        )
    }
    parts = []
    for onderdeel in Onderdeel.objects.filter(versie_id=gesprek.versie_id).prefetch_related(
        Prefetch("vragen", queryset=Vraag.objects.order_by("position", "pk"))
    ):
        part = Part(onderdeel)
        for vraag in onderdeel.vragen.all():
            hidden = vraag.confidential and not confidential_ok
            part.items.append(
                Item(
                    vraag=vraag,
                    antwoord=answers.get(vraag.pk),
                    mine=vraag.filled_by in writes,
                    hidden=hidden,
                    revealed=vraag.pk in revealed and not hidden,
                )
            )
        parts.append(part)
    return parts


def open_counts(parts: list[Part]) -> dict[str, tuple[int, int]]:
    """side -> (open, total) over the whole conversation."""
    result = {}
    for side in (SCHOOL, LSC):
        total = sum(part.count(side) for part in parts)
        result[side] = (sum(part.open_count(side) for part in parts), total)
    return result


def afspraken_of(gesprek: Gesprek):
    return list(
        GesprekAfspraak.objects.filter(gesprek=gesprek)
        .select_related("samenwerkingsafspraak", "created_by")
        .order_by("due_date", "pk")
    )


def last_year_afspraken(gesprek: Gesprek):
    if gesprek.previous_id is None:
        return []
    return list(
        GesprekAfspraak.objects.filter(gesprek_id=gesprek.previous_id)
        .select_related("evaluated_by")
        .order_by("due_date", "pk")
    )
