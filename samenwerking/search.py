"""Full-text search: Dutch stemming with prefix matching on PostgreSQL, a plain fallback elsewhere.

Models that are searched have a ``search_text`` field kept by their services. On PostgreSQL a
generated ``search_vector`` column beside it (``to_tsvector('dutch', search_text)``) carries a GIN
index; the column is added by a migration only there, so the embedded SQLite demo still runs.
The Dutch stemmer maps the query "fiets" to 'fiet' but "fietsen" to 'fiets', so every term is
matched as a prefix ('fiet':*), which finds inflected and partial words alike.

``search_recent`` ranks at most the RANKED most recent matches of a person's dossiers, so a
common word costs a bounded amount, and says how many matched (counted up to RANKED).
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


class Found(list):
    """The best matching rows, best first, and how many rows matched.

    ``count`` is the number of matches that were ranked (at most ``RANKED``); ``more`` says that
    more than ``RANKED`` rows matched, of which only the ``RANKED`` most recent were ranked.
    """

    def __init__(self, rows=(), *, count: int = 0, more: bool = False):
        super().__init__(rows)
        self.count = count
        self.more = more


# A common word matches most of what a person may read (a CLB medewerker with 80 schools:
# some 22,000 notes hold "leerling"). Ranking every match costs a read of each match's vector
# and says little; the most recent RANKED matches are ranked instead, and the page says so.
RANKED = 500
# Those are first looked for among the RECENT newest readable rows (an index-only scan of the
# (dossier, newest, id) index, then one primary-key look-up per row until RANKED + 1 match),
# but only for a word on course to fill them: one that matches at least RANKED / RECENT of a
# quick SAMPLE of the readable rows (the first in the index, unsorted). Otherwise, or when the
# newest rows give fewer matches and there are older ones, all readable rows are searched.
RECENT = 2000
SAMPLE = 200


def _ranked_sql(table: str, newest: str, title: str) -> str:
    """One statement: the ``limit`` best of the RANKED most recent matches, and their number.

    ``sample`` counts the matches among SAMPLE readable rows. For a word that common,
    ``recent`` walks the RECENT newest readable rows in order and stops at RANKED + 1 matches;
    it ranks each match as it reads it. ``older`` decides whether that was enough: for a rarer
    word, or when fewer matched and there are older readable rows, the second branch of
    ``candidates`` searches all readable rows and ranks the newest RANKED + 1 of their matches. The rank: the share of the terms that start a word of ``title`` (the rule
    the highlight uses), so a title with the terms comes first, plus ``ts_rank``.
    """
    q = connection.ops.quote_name
    t, newest, title, vector = q(table), q(newest), q(title), q("search_vector")
    tsquery = f"to_tsquery('{CONFIG}', %(tsquery)s)"
    # S608 below: the names interpolated are the model's own, quoted; every value is a parameter
    in_title = f"SELECT count(*) FROM unnest(%(patterns)s::text[]) p WHERE {t}.{title} ~* p"  # noqa: S608
    rank = f"({in_title})::float / %(terms)s + ts_rank({t}.{vector}, {tsquery})"
    common = "(SELECT hits FROM sample) * %(recent)s > %(ranked)s * %(sample)s"
    return f"""
WITH sample AS (
    SELECT count(*) AS hits
    FROM (
        SELECT id FROM {t} WHERE dossier_id = ANY(%(dossiers)s::bigint[]) LIMIT %(sample)s
    ) sampled
    JOIN {t} ON {t}.id = sampled.id
    WHERE {t}.{vector} @@ {tsquery}
), recent AS (
    SELECT walk.id, walk.newest, {rank} AS rank
    FROM (
        SELECT id, {newest} AS newest FROM {t}
        WHERE dossier_id = ANY(%(dossiers)s::bigint[])
        ORDER BY {newest} DESC, id DESC LIMIT %(recent)s
    ) walk
    JOIN {t} ON {t}.id = walk.id
    WHERE {t}.{vector} @@ {tsquery} AND {common}
    ORDER BY walk.newest DESC, walk.id DESC LIMIT %(ranked)s + 1
), older AS (
    SELECT (SELECT count(*) FROM recent) <= %(ranked)s
       AND (NOT {common} OR (SELECT count(*) FROM (
               SELECT FROM {t} WHERE dossier_id = ANY(%(dossiers)s::bigint[])
               LIMIT %(recent)s + 1
           ) readable) > %(recent)s) AS needed
), candidates AS (
    SELECT id, newest, rank FROM recent WHERE NOT (SELECT needed FROM older)
    UNION ALL
    SELECT found.id, found.newest, {rank}
    FROM (
        SELECT id, {newest} AS newest FROM {t}
        WHERE dossier_id = ANY(%(dossiers)s::bigint[]) AND {t}.{vector} @@ {tsquery}
          AND (SELECT needed FROM older)
        ORDER BY {newest} DESC, id DESC LIMIT %(ranked)s + 1
    ) found
    JOIN {t} ON {t}.id = found.id
)
SELECT id, rank, found FROM (
    SELECT id, rank, count(*) OVER () AS found,
           row_number() OVER (ORDER BY newest DESC, id DESC) AS position
    FROM candidates
) ranked
WHERE position <= %(ranked)s
ORDER BY rank DESC, id DESC
LIMIT %(limit)s
"""  # noqa: S608


def search_recent(
    model,
    query: str,
    *,
    dossier_ids: list[int],
    newest: str,
    title: str,
    limit: int,
    detail: QuerySet,
) -> Found:
    """The ``limit`` best rows of ``model`` in ``dossier_ids`` that match every term of
    ``query``, loaded from ``detail`` (with its joins and prefetches), each with ``rank``.

    Only the RANKED most recent matches (by the field ``newest``, then id) are ranked; a row
    whose field ``title`` holds the terms ranks above one that only mentions them. One query
    for the ranking and the count, one for the rows shown.
    """
    terms = terms_of(query)
    if not terms or not dossier_ids:
        return Found()
    if uses_postgres_search():
        sql = _ranked_sql(
            model._meta.db_table,
            model._meta.get_field(newest).column,
            model._meta.get_field(title).column,
        )
        params = {
            "dossiers": list(dossier_ids),
            "tsquery": " & ".join(f"{term}:*" for term in terms),
            "patterns": [rf"\m{term}" for term in terms],
            "terms": len(terms),
            "recent": RECENT,
            "ranked": RANKED,
            "sample": SAMPLE,
            "limit": limit,
        }
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            best = cursor.fetchall()
        ranked = [(pk, rank) for pk, rank, _found in best]
        found = best[0][2] if best else 0
    else:
        condition = Q(dossier_id__in=dossier_ids)
        for term in terms:
            condition &= Q(search_text__icontains=term)
        newest_first = model.objects.filter(condition).order_by(f"-{newest}", "-pk")
        pks = list(newest_first.values_list("pk", flat=True)[: RANKED + 1])
        found = len(pks)
        ranked = [(pk, 1.0) for pk in pks[:limit]]
    objects = detail.in_bulk([pk for pk, _rank in ranked])
    rows = []
    for pk, rank in ranked:
        obj = objects.get(pk)
        if obj is not None:
            obj.rank = rank
            rows.append(obj)
    return Found(rows, count=min(found, RANKED), more=found > RANKED)
