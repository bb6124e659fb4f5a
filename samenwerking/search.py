"""Full-text search: Dutch stemming with prefix matching on PostgreSQL, a plain fallback elsewhere.

Models that are searched have a ``search_text`` field kept by their services. On PostgreSQL a
generated ``search_vector`` column beside it (``to_tsvector('dutch', search_text)``) carries a GIN
index; the column is added by a migration only there, so the embedded SQLite demo still runs.
The Dutch stemmer maps the query "fiets" to 'fiet' but "fietsen" to 'fiets', so every term is
matched as a prefix ('fiet':*), which finds inflected and partial words alike.

``search_recent`` ranks at most the RANKED most recent matches of a person's dossiers, so a
common word costs a bounded amount, and says how many matched (counted up to RANKED).

A term also finds the past participle of a Dutch verb, which puts "ge" before the stem, after
the particle of a separable verb: "pest" finds "gepest" and "weggepest", "fiets" "gefietst",
"opvolgen" "opgevolgd". Each term asks the tsvector for those forms as prefixes too
(``Term.forms``; the Dutch stemmer does the rest, as for the term itself), the two dozen with a
particle in front only of a text that holds "ge" + the stem at all. (A pg_trgm index on the text
was measured and left: see bench/README.md.) And a row matches a term through its tags
(``Tags``: a note's themes, a signal's theme) when a tag's name matches the term: the tags are
looked up first, in one small query with the terms' stems, so a term that names no tag costs
nothing more.
"""

import functools
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import FloatField, Model, Q, QuerySet, Value
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


# The past participle of a Dutch verb puts PARTICIPLE before the stem ("gepest"), after the
# particle of a separable verb ("weggepest", "opgevolgd"). A term looks for those forms when its
# stem is a word of at least PARTICIPLE_STEM letters that does not start with PARTICIPLE.
PARTICIPLE = "ge"
PARTICIPLE_STEM = 3
PARTICLES = (
    "aan", "af", "bij", "buiten", "dood", "door", "in", "kapot", "mee", "na", "om", "onder",
    "op", "over", "samen", "tegen", "terug", "toe", "uit", "vast", "voor", "weg",
)  # fmt: skip


def participles(base: str) -> tuple[list[str], list[str]]:
    """The participle forms a word starting with ``base`` can take: "ge" + it and, when it
    starts with a particle ("opvolg"), the particle + "ge" + the rest ("opgevolg"); then each
    particle + "ge" + it ("weggepest"), asked apart because they are many and seldom there."""
    if not (base.isalpha() and len(base) >= PARTICIPLE_STEM) or base.startswith(PARTICIPLE):
        return [], []
    near = [PARTICIPLE + base]
    for particle in sorted(PARTICLES, key=len, reverse=True):
        rest = base[len(particle) :]
        if base.startswith(particle) and len(rest) >= PARTICIPLE_STEM:
            if not rest.startswith(PARTICIPLE):
                near.append(particle + PARTICIPLE + rest)
            break
    return near, [particle + PARTICIPLE + base for particle in PARTICLES]


@dataclass(frozen=True)
class Tags:
    """What the searched rows are tagged with: a row also matches a term that names one of its
    tags. ``model`` holds the tags; their ``name`` is matched as the text is (the start of a
    word, after stemming). ``field`` is the foreign key to the tag: on the searched model, or
    on the link model ``through``, whose foreign key ``row`` points at the searched row and
    which carries the row's ``dossier`` (so only the links of the readable dossiers are read).
    """

    model: type[Model]
    field: str
    through: type[Model] | None = None
    row: str = ""


@dataclass(frozen=True)
class Term:
    """One term of a query: the word as typed (lower case), its Dutch stem ("pesten": "pest";
    the word itself where there is no stemmer) and the ids of the tags whose name it matches."""

    word: str
    stem: str
    tag_ids: tuple[int, ...] = ()

    @property
    def base(self) -> str:
        """What the word and its stem start with: the stem, mostly ("pesten": "pest"); the
        stemmer also drops a diaeresis and a doubled vowel ("oriënteren": 'orienter',
        "speelplaats": 'speelplat'), and then less of the word is left ("ori", "speelpla")."""
        common = os.path.commonprefix([self.word, self.stem or self.word])
        return common if len(common) >= PARTICIPLE_STEM else self.word

    @property
    def forms(self) -> list[str]:
        """What a matching word starts with: the word and its participle forms (to_tsquery
        stems each: "gepesten" to 'gepest')."""
        near, after_particle = participles(self.word)
        return [self.word, *near, *after_particle]

    @property
    def near_tsquery(self) -> str:
        """The word and its participle forms with "ge" at the start or after its own particle."""
        return " | ".join(f"{form}:*" for form in [self.word, *participles(self.word)[0]])

    @property
    def particle_tsquery(self) -> str:
        """A particle before the participle ("weggepest"), or "" for a word without them."""
        return " | ".join(f"{form}:*" for form in participles(self.word)[1])

    @property
    def infix(self) -> str:
        """What the text holds wherever a particle comes before the participle: "ge" + the
        stem ("gepest" in "weggepest"), so the many particle forms are asked only of the text
        that has it."""
        return PARTICIPLE + self.base

    @property
    def marks(self) -> list[str]:
        """What a word the search found starts with, as the highlight looks for it: the forms
        of the word and of its stem ("pesten" marks "pest", "gepest" and "weggepest")."""
        near, after_particle = participles(self.base)
        return list(dict.fromkeys([*self.forms, self.base, *near, *after_particle]))


def resolve_terms(query: str, *, tags: Tags | None = None) -> list[Term]:
    """The terms of ``query`` that can match, with their stems and the tags whose names they
    match. A stop word ("de", "het") matches nothing and is left out, as to_tsquery leaves it
    out. One query on PostgreSQL; elsewhere the words are their own stems and a tag matches a
    term that its name contains (one query for the tags, none without them)."""
    words = terms_of(query)
    if not words:
        return []
    if not uses_postgres_search():
        names = []
        if tags is not None:
            names = [
                (pk, name.lower()) for pk, name in tags.model.objects.values_list("pk", "name")
            ]
        return [Term(word, word, tuple(pk for pk, name in names if word in name)) for word in words]
    q = connection.ops.quote_name
    tag_ids = "NULL::bigint[]"
    if tags is not None:
        meta = tags.model._meta
        table, pk, name = q(meta.db_table), q(meta.pk.column), q(meta.get_field("name").column)
        tag_ids = (
            f"ARRAY(SELECT {pk} FROM {table} WHERE to_tsvector('{CONFIG}', {name}) "  # noqa: S608
            f"@@ to_tsquery('{CONFIG}', t.word || ':*') ORDER BY {pk})"
        )
    sql = (
        f"SELECT t.word, numnode(to_tsquery('{CONFIG}', t.word || ':*')), "  # noqa: S608
        f"ts_lexize('{CONFIG}_stem', t.word), {tag_ids} "
        "FROM unnest(%s::text[]) WITH ORDINALITY AS t(word, n) ORDER BY t.n"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [words])
        rows = cursor.fetchall()
    return [
        Term(word, (lexemes or [word])[0], tuple(ids or ()))
        for word, nodes, lexemes, ids in rows
        if nodes  # no lexeme: a stop word, or no word at all to the parser ("__")
    ]


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


def _marks(terms: Sequence[Term]):
    """The words a search for ``terms`` found: those that start with one of their ``marks``."""
    return _marks_of(tuple(terms))


@functools.lru_cache(maxsize=128)
def _marks_of(terms: tuple[Term, ...]):
    # made once for the hits and themes of a page, not once for each of them
    starts = sorted({start for term in terms for start in term.marks}, key=len, reverse=True)
    return re.compile(
        r"\b(?:" + "|".join(re.escape(start) for start in starts) + r")\w*", re.IGNORECASE
    )


def _terms_or_words(query: str, terms: Sequence[Term] | None) -> list[Term]:
    if terms is not None:
        return list(terms)
    return [Term(word, word) for word in terms_of(query)]


def _marked(text: str, pattern) -> str:
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    pieces.append(escape(text[last:]))
    return "".join(pieces)


def highlight(text: str, query: str, *, terms: Sequence[Term] | None = None, limit: int = 240):
    """An excerpt of ``text`` around the first match, the words the search found in <mark>.

    ``terms`` are the search's own (``Found.terms``: with their stems, so "pesten" marks "pest"
    and "gepest" too); without them the words of ``query`` are taken as they are. Matching
    happens on the raw text and every piece is escaped on its own, so a match never lands
    inside an HTML entity.
    """
    terms = _terms_or_words(query, terms)
    text = text or ""
    start = 0
    pattern = _marks(terms) if terms else None
    if pattern is not None:
        first = pattern.search(text)
        if first is not None:
            start = max(0, first.start() - 60)
    excerpt = text[start : start + limit]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + limit < len(text) else ""
    if pattern is None:
        return mark_safe(prefix + escape(excerpt) + suffix)  # noqa: S308 - escaped
    return mark_safe(prefix + _marked(excerpt, pattern) + suffix)  # noqa: S308 - pieces escaped


def mark_terms(text: str, query: str, *, terms: Sequence[Term] | None = None):
    """``text`` (a short name, a theme) escaped, the words the search found in <mark>."""
    terms = _terms_or_words(query, terms)
    if not terms:
        return escape(text)
    return mark_safe(_marked(text, _marks(terms)))  # noqa: S308 - every piece escaped


class Found(list):
    """The best matching rows, best first, and how many rows matched.

    ``count`` is the number of matches that were ranked (at most ``RANKED``); ``more`` says that
    more than ``RANKED`` rows matched, of which only the ``RANKED`` most recent were ranked.
    """

    def __init__(self, rows=(), *, count: int = 0, more: bool = False, terms=()):
        super().__init__(rows)
        self.count = count
        self.more = more
        # the terms searched for, with their stems: for the highlight of each row
        self.terms: list[Term] = list(terms)


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


def _match_sql(
    model, terms: Sequence[Term], tags: Tags | None, *, indexed: bool = True
) -> tuple[str, dict]:
    """The condition a matching row meets, and its parameters: every term is found in the
    text or names one of the row's tags. In the text: the word or its participle on the
    indexed vector (``Term.near_tsquery``), or, where the text holds "ge" + the stem at all,
    a particle and its participle (``Term.particle_tsquery``: two dozen prefixes, too many to
    ask of every row). Through a tag: the row's own column, or its link.

    ``indexed``: for the walk through the newest rows, one row at a time (a link by the link
    table's unique index). Not ``indexed``: for the scan of all readable rows (see
    ``_ranked_sql``), the vector is asked so that the planner cannot answer it from its GIN
    index, and the links of the readable dossiers are read once, into a hash, and asked first.
    (In the walk such a hash made the planner join all the rows of the region instead.)"""
    q = connection.ops.quote_name
    meta = model._meta
    t, pk = q(meta.db_table), q(meta.pk.column)
    vector, text = f"{t}.{q('search_vector')}", f"{t}.{q('search_text')}"
    if not indexed:
        vector = f"coalesce({vector}, ''::tsvector)"
    conditions, params = [], {}
    for n, term in enumerate(terms):
        params[f"near{n}"] = term.near_tsquery
        found = [f"{vector} @@ to_tsquery('{CONFIG}', %(near{n})s)"]
        if term.particle_tsquery:
            params[f"infix{n}"], params[f"after{n}"] = term.infix, term.particle_tsquery
            found.append(
                f"(strpos({text}, %(infix{n})s) > 0 "
                f"AND {vector} @@ to_tsquery('{CONFIG}', %(after{n})s))"
            )
        if tags is not None and term.tag_ids:
            params[f"tags{n}"] = list(term.tag_ids)
            if tags.through is None:
                column = q(meta.get_field(tags.field).column)
                found.insert(0, f"{t}.{column} = ANY(%(tags{n})s::bigint[])")
            else:
                link = tags.through._meta
                row, tag = q(link.get_field(tags.row).column), q(link.get_field(tags.field).column)
                links = (
                    f"FROM {q(link.db_table)} WHERE {tag} = ANY(%(tags{n})s::bigint[]) "
                    f"AND {q(link.get_field('dossier').column)} = ANY(%(dossiers)s::bigint[])"
                )
                if indexed:
                    found.append(f"EXISTS (SELECT {links} AND {row} = {t}.{pk})")  # noqa: S608
                else:
                    found.insert(0, f"{t}.{pk} IN (SELECT {row} {links})")  # noqa: S608
        conditions.append("(" + " OR ".join(found) + ")")
    return " AND ".join(conditions), params


def _ranked_sql(table: str, newest: str, title: str, match: str, scan_match: str) -> str:
    """One statement: the ``limit`` best of the RANKED most recent matches, and their number.

    ``match`` is the condition of a matching row (``_match_sql``), ``scan_match`` the same
    without the GIN index, for the search of all readable rows: the planner misjudges what the
    index costs for prefixes (it reads every row of the region with a word of that prefix,
    117,000 of 300,000 notes for "speelplaats" in the bench) and took it for two words, a few
    times slower than reading the readable rows by the dossier index. ``sample`` counts the
    matches among SAMPLE readable rows. For a word that common, ``recent`` walks the RECENT
    newest readable rows in order and stops at RANKED + 1 matches; it ranks each match as it
    reads it. ``older`` decides whether that was enough: for a rarer word, or when fewer
    matched and there are older readable rows, the second branch of ``candidates`` searches
    all readable rows and ranks the newest RANKED + 1 of their matches. The rank: the share of
    the terms that start a word of ``title`` (the rule the highlight uses), so a title with
    the terms comes first, plus ``ts_rank`` of the terms as typed (a row found through a tag
    or a participle alone ranks after the rows that use the word itself).
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
    WHERE {match}
), recent AS (
    SELECT walk.id, walk.newest, {rank} AS rank
    FROM (
        SELECT id, {newest} AS newest FROM {t}
        WHERE dossier_id = ANY(%(dossiers)s::bigint[])
        ORDER BY {newest} DESC, id DESC LIMIT %(recent)s
    ) walk
    JOIN {t} ON {t}.id = walk.id
    WHERE {match} AND {common}
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
        WHERE dossier_id = ANY(%(dossiers)s::bigint[]) AND {scan_match}
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


def _fallback_condition(dossier_ids, terms: Sequence[Term], tags: Tags | None) -> Q:
    """The same rule without PostgreSQL (the SQLite demo): the text contains every term (which
    finds "gepest" for "pest" too), or the row has a tag that the term names."""
    condition = Q(dossier_id__in=dossier_ids)
    for term in terms:
        found = Q(search_text__icontains=term.word)
        if tags is not None and term.tag_ids:
            if tags.through is None:
                found |= Q(**{f"{tags.field}_id__in": term.tag_ids})
            else:
                links = tags.through.objects.filter(
                    **{f"{tags.field}_id__in": term.tag_ids, "dossier_id__in": dossier_ids}
                )
                found |= Q(pk__in=links.values(tags.row))
        condition &= found
    return condition


def search_recent(
    model,
    query: str,
    *,
    dossier_ids: list[int],
    newest: str,
    title: str,
    limit: int,
    detail: QuerySet,
    tags: Tags | None = None,
) -> Found:
    """The ``limit`` best rows of ``model`` in ``dossier_ids`` that match every term of
    ``query`` (in their text, or in the name of one of their ``tags``), loaded from ``detail``
    (with its joins and prefetches), each with ``rank``.

    Only the RANKED most recent matches (by the field ``newest``, then id) are ranked; a row
    whose field ``title`` holds the terms ranks above one that only mentions them. One query
    for the terms (their stems and the tags they name), one for the ranking and the count, one
    for the rows shown.
    """
    if not terms_of(query) or not dossier_ids:
        return Found()
    terms = resolve_terms(query, tags=tags)
    if not terms:
        return Found()
    if uses_postgres_search():
        match, match_params = _match_sql(model, terms, tags)
        scan_match, _same = _match_sql(model, terms, tags, indexed=False)
        sql = _ranked_sql(
            model._meta.db_table,
            model._meta.get_field(newest).column,
            model._meta.get_field(title).column,
            match,
            scan_match,
        )
        params = {
            "dossiers": list(dossier_ids),
            "tsquery": " & ".join(f"{term.word}:*" for term in terms),
            "patterns": [rf"\m{term.word}" for term in terms],
            "terms": len(terms),
            "recent": RECENT,
            "ranked": RANKED,
            "sample": SAMPLE,
            "limit": limit,
            **match_params,
        }
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            best = cursor.fetchall()
        ranked = [(pk, rank) for pk, rank, _found in best]
        found = best[0][2] if best else 0
    else:
        condition = _fallback_condition(dossier_ids, terms, tags)
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
    return Found(rows, count=min(found, RANKED), more=found > RANKED, terms=terms)
