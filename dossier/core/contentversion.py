"""Each dossier's content version: a number PostgreSQL moves on with every write to the dossier.

Every table whose rows belong to one dossier (directly, or through up to three foreign keys:
a supplement's version belongs to its supplement, which belongs to a signal, which belongs to
the dossier) carries a trigger that adds one to ``Dossier.content_version`` of the dossier the
row belonged to and the one it belongs to now. Because the database moves it, a write counts
whichever way it is made: a service, the admin, ``QuerySet.update()``, a bulk delete, a
migration or raw SQL. The page cache (``dossier.core.pagecache``) keys on the number, so a
page is never served from before a write.

Left out on purpose: the audit log (opening a note writes a row there, and would otherwise make
every read a change; pages that show the audit log add its newest row to their key instead).
The lists every page shows (themes, sources) move every dossier on when they change.

The triggers are computed from the models and installed after every ``migrate``
(``install``, connected in ``apps.py``), so a section's new model is covered without a
migration of its own; ``tests/test_content_version.py`` checks that each table is.
PostgreSQL only: on SQLite (the demo) nothing is installed and the page cache stays off.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import connections

TRIGGER_PREFIX = "dossier_content_"
GUARD_TRIGGER = "dossier_content_version_only_grows"
MAX_HOPS = 3
# tables whose rows belong to a dossier but are left out (see the module's docstring)
UNWATCHED = frozenset({"dossier_auditevent"})
# the lists every dossier's pages show: a change moves every dossier on
SHARED_LISTS = ("dossier.Thema", "signalen.Bron")


@dataclass(frozen=True)
class Watched:
    table: str
    column: str  # the column of this table that leads to the dossier
    lookup: str  # SQL from that column's value ($1) to the dossier id; "" when it is the id


def _path_to_dossier(model, dossier_model, hops=0, seen=()):
    """The shortest chain of foreign keys from ``model`` to the dossier: [(field, model)...]."""
    if model is dossier_model:
        return []
    if hops >= MAX_HOPS:
        return None
    best = None
    for field in model._meta.concrete_fields:
        related = field.related_model if field.many_to_one else None
        if related is None or related in seen or related is model:
            continue
        rest = _path_to_dossier(related, dossier_model, hops + 1, (*seen, model))
        if rest is not None and (best is None or len(rest) + 1 < len(best)):
            best = [(field, related), *rest]
    return best


def watched_tables() -> list[Watched]:
    """Every table whose rows belong to one dossier, with the way from a row to it."""
    from dossier.core.models import Dossier

    found = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if model is Dossier or table in UNWATCHED or not model._meta.managed:
            continue
        if model._meta.proxy:
            continue
        path = _path_to_dossier(model, Dossier)
        if not path:
            continue
        first_field = path[0][0]
        lookup = "" if len(path) == 1 else _lookup_sql(path)
        found.append(Watched(table=table, column=first_field.column, lookup=lookup))
    return sorted(found, key=lambda item: item.table)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lookup_sql(path) -> str:
    """SQL from the value of the first foreign key ($1) to the dossier id along ``path``:
    [(foreign key, the model it points at), ..., (foreign key to the dossier, Dossier)]."""
    between = [related for _field, related in path[:-1]]  # the tables between row and dossier
    keys = [field for field, _related in path]  # keys[i] leads from step i to step i + 1
    # names from the models, quoted; the value is the parameter $1
    sql = f"SELECT t{len(between)}.{_q(keys[-1].column)} FROM {_q(between[0]._meta.db_table)} t1"  # noqa: S608
    for index in range(1, len(between)):
        sql += (
            f" JOIN {_q(between[index]._meta.db_table)} t{index + 1}"
            f" ON t{index + 1}.{_q(keys[index].target_field.column)} = t{index}.{_q(keys[index].column)}"
        )
    return sql + f" WHERE t1.{_q(keys[0].target_field.column)} = $1"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def install(using: str = "default", **kwargs) -> None:
    """(Re)create the triggers of every watched table and shared list; drop ours on tables no
    longer watched. Idempotent; PostgreSQL only."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    watched = watched_tables()
    shared = [apps.get_model(label)._meta.db_table for label in SHARED_LISTS]
    wanted = {(TRIGGER_PREFIX + item.table)[:63]: item.table for item in watched}
    wanted.update({(TRIGGER_PREFIX + "all_" + table)[:63]: table for table in shared})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgname LIKE %s AND t.tgname <> %s",
            [TRIGGER_PREFIX + "%", GUARD_TRIGGER],
        )
        for name, table in cursor.fetchall():
            if wanted.get(name) != table:
                cursor.execute(f"DROP TRIGGER IF EXISTS {_q(name)} ON {_q(table)}")
        for item in watched:
            name = (TRIGGER_PREFIX + item.table)[:63]
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {_q(name)} AFTER INSERT OR UPDATE OR DELETE "
                f"ON {_q(item.table)} FOR EACH ROW EXECUTE FUNCTION dossier_content_changed("
                f"{_literal(item.column)}, {_literal(item.lookup)})"
            )
        for table in shared:
            name = (TRIGGER_PREFIX + "all_" + table)[:63]
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {_q(name)} AFTER INSERT OR UPDATE OR DELETE "
                f"ON {_q(table)} FOR EACH STATEMENT EXECUTE FUNCTION dossier_content_all_changed()"
            )


def installed_triggers(using: str = "default") -> dict[str, str]:
    """{table: trigger name} of the content triggers PostgreSQL has now (for the tests)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgname LIKE %s",
            [TRIGGER_PREFIX + "%"],
        )
        return dict(cursor.fetchall())
