"""Reads of a school's leersteunvragen, built on the access module."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404

from accounts.roles import OrganisationKind
from dossier.core.access import Section, require_section
from dossier.core.models import Thema
from dossier.core.selectors import partner_organisations
from leersteun.models import FilterBeoordeling, Leersteunvraag, VraagGebeurtenis


def vragen_for(dossier):
    """The dossier's questions, newest first, with what a list row shows: one query for the
    rows and one for their themes, whatever their number."""
    return (
        Leersteunvraag.objects.filter(dossier=dossier)
        .select_related("lsc", "ondersteuner", "cluster")
        .prefetch_related(Prefetch("themas", queryset=Thema.objects.order_by("name")))
        .order_by("-created_at", "-pk")
    )


def vraag_get(user, *, pk, vraag_pk, write: bool = False):
    """(dossier, access, question) or 404; with ``write``, 403 for a reader. The question
    comes with its themes, filters laid on it and its timeline."""
    dossier, access = require_section(user, pk, Section.LEERSTEUN, write=write)
    vraag = (
        Leersteunvraag.objects.filter(dossier=dossier, pk=vraag_pk)
        .select_related("lsc", "ondersteuner", "cluster", "registered_by")
        .prefetch_related(
            Prefetch("themas", queryset=Thema.objects.order_by("name")),
            Prefetch("beoordelingen", queryset=FilterBeoordeling.objects.order_by("position")),
            Prefetch(
                "gebeurtenissen",
                queryset=VraagGebeurtenis.objects.select_related("actor").order_by(
                    "created_at", "pk"
                ),
            ),
        )
        .first()
    )
    if vraag is None:
        raise Http404
    vraag.dossier = dossier
    return dossier, access, vraag


def filters_for_lsc(lsc_id: int) -> list:
    """The filters the LSC lays on its questions: data of its template version."""
    from leersteun.selectors.filters import filters_for

    return filters_for(lsc_id)


def screening_lines(vraag: Leersteunvraag) -> list[dict]:
    """One line per filter of the LSC's template, with what was judged already (matched by
    the filter's key, which stays across versions)."""
    judged = {b.filter_key: b for b in vraag.beoordelingen.all()}
    return [{"filter": f, "judged": judged.get(f.key)} for f in filters_for_lsc(vraag.lsc_id)]


def active_lsc_partners(dossier) -> list:
    """The LSCs that serve the school today (one query)."""
    return list(partner_organisations(dossier).get(OrganisationKind.LSC, []))
