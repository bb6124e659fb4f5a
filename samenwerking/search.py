"""Full-text search: Dutch stemming with prefix matching on PostgreSQL, a plain fallback elsewhere.

Models that are searched have a ``search_text`` field kept by their services. On PostgreSQL a
generated ``search_vector`` column beside it (``to_tsvector('dutch', search_text)``) carries a GIN
index; the column is added by a migration only there, so the embedded SQLite demo still runs.
The Dutch stemmer maps the query "fiets" to 'fiet' but "fietsen" to 'fiets', so every term is
matched as a prefix ('fiet':*), which finds inflected and partial words alike.
"""

import re

from django.db import connection
from django.db.models import FloatField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

CONFIG = "dutch"
MAX_TERMS = 8
_WORD = re.compile(r"\w+", re.UNICODE)


def terms_of(query: str) -> list[str]:
    return [term.lower() for term in _WORD.findall(query or "") if len(term) >= 2][:MAX_TERMS]


def uses_postgres_search() -> bool:
    return connection.vendor == "postgresql"


def add_search_vector_sql(table: str) -> list[str]:
    """SQL that adds the generated tsvector column and its GIN index (PostgreSQL only)."""
    return [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('{CONFIG}', coalesce(search_text, ''))) STORED",
        f"CREATE INDEX IF NOT EXISTS {table}_search_gin ON {table} USING gin (search_vector)",
    ]


def search(queryset: QuerySet, query: str) -> QuerySet:
    """Rows of ``queryset`` that match every term of ``query``, best first (annotated ``rank``)."""
    terms = terms_of(query)
    if not terms:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField())).none()
    if uses_postgres_search():
        table = queryset.model._meta.db_table
        tsquery = " & ".join(f"{term}:*" for term in terms)
        vector = f'"{table}"."search_vector"'
        return (
            queryset.extra(where=[f"{vector} @@ to_tsquery('{CONFIG}', %s)"], params=[tsquery])
            .annotate(
                rank=RawSQL(
                    f"ts_rank({vector}, to_tsquery('{CONFIG}', %s))",
                    [tsquery],
                    output_field=FloatField(),
                )
            )
            .order_by("-rank", "-pk")
        )
    condition = Q()
    for term in terms:
        condition &= Q(search_text__icontains=term)
    return (
        queryset.filter(condition)
        .annotate(rank=Value(1.0, output_field=FloatField()))
        .order_by("-pk")
    )


def highlight(text: str, query: str, *, limit: int = 240) -> str:
    """An excerpt of ``text`` around the first match, words starting with a term in <mark>.

    Matching happens on the raw text and every piece is escaped on its own, so a match never
    lands inside an HTML entity.
    """
    terms = terms_of(query)
    text = text or ""
    start = 0
    if terms:
        lowered = text.lower()
        positions = [lowered.find(term) for term in terms if lowered.find(term) >= 0]
        if positions:
            start = max(0, min(positions) - 60)
    excerpt = text[start : start + limit]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + limit < len(text) else ""
    if not terms:
        return mark_safe(prefix + escape(excerpt) + suffix)  # noqa: S308 - escaped
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\w*", re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(excerpt):
        pieces.append(escape(excerpt[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    pieces.append(escape(excerpt[last:]))
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 - every piece escaped


def search_top(queryset: QuerySet, query: str, *, limit: int, detail: QuerySet) -> list:
    """The ``limit`` best matches, loaded from ``detail`` (with its joins and prefetches).

    Ranking runs on the narrow rows first (id and rank only); the joins for display are paid
    for the page of results alone, not for every match.
    """
    ranked = list(search(queryset, query).values_list("pk", "rank")[:limit])
    if not ranked:
        return []
    objects = detail.in_bulk([pk for pk, _rank in ranked])
    results = []
    for pk, rank in ranked:
        obj = objects.get(pk)
        if obj is not None:
            obj.rank = rank
            results.append(obj)
    return results
