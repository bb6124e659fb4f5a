"""The filters an LSC lays on its leersteunvragen: data of its template, not code."""

from __future__ import annotations

from leersteun.models import Filter, SjabloonVersie


def _newest_published(**where) -> int | None:
    return (
        SjabloonVersie.objects.filter(published_at__isnull=False, **where)
        .order_by("-number")
        .values_list("pk", flat=True)
        .first()
    )


def filters_for(lsc_id: int) -> list[Filter]:
    """The filters of the LSC's newest published version when it has any, else those of the
    starter's newest published version (at most four queries)."""
    for versie_id in (
        _newest_published(sjabloon__lsc_id=lsc_id),
        _newest_published(sjabloon__lsc__isnull=True),
    ):
        if versie_id is None:
            continue
        filters = filters_of(versie_id)
        if filters:
            return filters
    return []


def filters_of(versie_id: int) -> list[Filter]:
    return list(Filter.objects.filter(versie_id=versie_id).order_by("position", "pk"))
