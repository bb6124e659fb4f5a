"""Fingerprints of every table of a PostgreSQL database, and the comparison after an upgrade.

Used by scripts/check-migration-upgrade.sh; run it with the project's .venv (it needs psycopg):

  table_fingerprint.py recreate-db SERVER_URL NAME    drop and create NAME, print its URL
  table_fingerprint.py drop-db SERVER_URL NAME
  table_fingerprint.py models TREE OUT.json            (app_label, model) of every model of TREE
  table_fingerprint.py snapshot DATABASE_URL OUT.json
  table_fingerprint.py compare BEFORE.json DATABASE_URL --old-models A.json --new-models B.json
                       [--allow-gone "NAME REASON"]... [--renamed "OLD=NEW REASON"]...

A snapshot holds, per table of the public schema (django_migrations left out): its columns,
primary key, row count, ``md5(string_agg(row::text, '|' ORDER BY row::text))`` and the rows
themselves (as text per column; the demo region is small), plus every sequence's last value.

The comparison recomputes each old table's fingerprint over the *old* columns, so columns and
rows that a migration adds are fine; any old row that is gone or reads differently is a failure,
as are a table, a column or a sequence that disappears (unless allowed with a reason) and a
sequence that goes backwards. django_content_type is compared by meaning rather than content,
since moving a model to another app legitimately renames its content type: every old content type
must keep its id and model name, its app_label may change, and it must name a model of the new
tree (a stale one means grants and permissions still point at the model's old app).
"""

import argparse
import collections
import json
import sys
import urllib.parse
from pathlib import Path

EXCLUDED = {"django_migrations"}
CONTENT_TYPES = "django_content_type"
SHOWN = 10  # rows shown per table in a diff


# --- database server -------------------------------------------------------------------------


def connect(url, **overrides):
    import psycopg

    return psycopg.connect(url, autocommit=True, **overrides)


def database_url(server_url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def recreate_db(args):
    from psycopg import sql

    with connect(args.server_url, dbname="postgres") as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(args.name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(args.name)))
    print(database_url(args.server_url, args.name))


def drop_db(args):
    from psycopg import sql

    with connect(args.server_url, dbname="postgres") as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(args.name))
        )


# --- models of a tree ------------------------------------------------------------------------


def models(args):
    """The models a tree defines, from its own settings (DJANGO_SETTINGS_MODULE)."""
    sys.path.insert(0, str(Path(args.tree).resolve()))
    import django

    django.setup()
    from django.apps import apps

    found = sorted([m._meta.app_label, m._meta.model_name] for m in apps.get_models())
    Path(args.out).write_text(json.dumps(found, indent=1))


# --- snapshots -------------------------------------------------------------------------------

TABLES = """
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname
"""
COLUMNS = """
    SELECT a.attname FROM pg_attribute a
    WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
"""
PRIMARY_KEY = """
    SELECT a.attname FROM pg_index i
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
    WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)
"""
SEQUENCES = """
    SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'
    ORDER BY sequencename
"""


def qualified(table):
    from psycopg import sql

    return sql.Identifier("public", table)


def projection(table, columns):
    from psycopg import sql

    return sql.SQL("SELECT {} FROM {}").format(
        sql.SQL(", ").join(sql.Identifier(c) for c in columns), qualified(table)
    )


def fingerprint(conn, table, columns):
    """(row count, md5 of every row as text, in text order) over the given columns."""
    from psycopg import sql

    query = sql.SQL(
        "SELECT count(*), md5(string_agg(r::text, '|' ORDER BY r::text COLLATE \"C\")) FROM ({}) r"
    ).format(projection(table, columns))
    count, md5 = conn.execute(query).fetchone()
    return count, md5 or ""


def rows_of(conn, table, columns):
    from psycopg import sql

    query = sql.SQL("SELECT {} FROM {}").format(
        sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(c)) for c in columns),
        qualified(table),
    )
    return [list(row) for row in conn.execute(query)]


def tables_of(conn):
    return [name for (name,) in conn.execute(TABLES) if name not in EXCLUDED]


def describe(conn, table):
    name = f'public."{table}"'
    columns = [c for (c,) in conn.execute(COLUMNS, [name])]
    pk = [c for (c,) in conn.execute(PRIMARY_KEY, [name])]
    return columns, pk


def snapshot(args):
    result = {"tables": {}, "sequences": {}}
    with connect(args.database_url) as conn:
        for table in tables_of(conn):
            columns, pk = describe(conn, table)
            count, md5 = fingerprint(conn, table, columns)
            result["tables"][table] = {
                "columns": columns,
                "pk": pk,
                "rows": count,
                "md5": md5,
                "data": rows_of(conn, table, columns),
            }
        result["sequences"] = dict(conn.execute(SEQUENCES).fetchall())
    Path(args.out).write_text(json.dumps(result))
    total = sum(t["rows"] for t in result["tables"].values())
    print(f"  {len(result['tables'])} tables, {total} rows, {len(result['sequences'])} sequences")


# --- comparison ------------------------------------------------------------------------------


def parse_reasons(entries, what):
    parsed = {}
    for entry in entries:
        name, _, reason = entry.strip().partition(" ")
        if not reason.strip():
            raise SystemExit(f"{what} entry {entry!r} needs a reason after the name")
        parsed[name] = reason.strip()
    return parsed


class Report:
    def __init__(self):
        self.failures = []
        self.notes = []

    def fail(self, title, lines=()):
        self.failures.append((title, list(lines)))

    def note(self, title, lines=()):
        self.notes.append((title, list(lines)))


def show(values, columns):
    return ", ".join(
        f"{c}={'NULL' if v is None else repr(v)}" for c, v in zip(columns, values, strict=True)
    )


def compare_rows(report, table, before, after_rows, columns):
    """Every old row (over the kept columns) must still be there; new rows are only noted."""
    index = [before["columns"].index(c) for c in columns]
    old = collections.Counter(tuple(row[i] for i in index) for row in before["data"])
    new = collections.Counter(tuple(row) for row in after_rows)
    lost = old - new
    added = new - old
    if not lost:
        if added:
            report.note(
                f"{table}: {sum(added.values())} row(s) added",
                [f"+ {show(row, columns)}" for row in list(added.elements())[:SHOWN]],
            )
        return
    pk_at = [columns.index(c) for c in before["pk"]] if set(before["pk"]) <= set(columns) else []
    added_by_pk = {tuple(row[i] for i in pk_at): row for row in added.elements()} if pk_at else {}
    lines = []
    changed = missing = 0
    for row in lost.elements():
        counterpart = added_by_pk.get(tuple(row[i] for i in pk_at)) if pk_at else None
        if counterpart is not None:
            changed += 1
            if changed + missing <= SHOWN:
                diffs = [
                    f"{c}: {o!r} -> {n!r}"
                    for c, o, n in zip(columns, row, counterpart, strict=True)
                    if o != n
                ]
                key = show([row[i] for i in pk_at], before["pk"])
                lines.append(f"~ {key}: " + "; ".join(diffs))
        else:
            missing += 1
            if changed + missing <= SHOWN:
                lines.append(f"- {show(row, columns)}")
    if changed + missing > SHOWN:
        lines.append(f"  ... and {changed + missing - SHOWN} more")
    report.fail(
        f"{table}: {before['rows']} rows before, {len(after_rows)} after; "
        f"{missing} row(s) gone, {changed} row(s) changed",
        lines,
    )


def compare_content_types(report, before, conn, old_models, new_models, allowed):
    """Ids and model names are kept; the app_label may change, to an app that has the model."""
    columns = before["columns"]
    at = {c: columns.index(c) for c in ("id", "app_label", "model")}
    old = {int(r[at["id"]]): (r[at["app_label"]], r[at["model"]]) for r in before["data"]}
    rows = conn.execute("SELECT id, app_label, model FROM django_content_type").fetchall()
    new = {pk: (app, model) for pk, app, model in rows}
    old_models = {tuple(m) for m in old_models}
    new_models = {tuple(m) for m in new_models}
    if len(new) < len(old):
        report.fail(f"{CONTENT_TYPES}: {len(old)} rows before, {len(new)} after")
    for pk, (app, model) in sorted(old.items()):
        if f"ct:{app}.{model}" in allowed:
            continue
        if pk not in new:
            elsewhere = [f"{a}.{m} (id {i})" for i, (a, m) in new.items() if m == model]
            report.fail(
                f"{CONTENT_TYPES}: {app}.{model} (id {pk}) is gone",
                [
                    f"now there is {', '.join(elsewhere)}"
                    if elsewhere
                    else "no content type has that model"
                ]
                + [
                    "Rename the row's app_label in a migration instead (UPDATE ... WHERE id = ...), so "
                    "permissions, guardian grants and admin log entries keep pointing at it."
                ],
            )
            continue
        new_app, new_model = new[pk]
        if new_model != model:
            report.fail(f"{CONTENT_TYPES}: id {pk} was {app}.{model}, is now {new_app}.{new_model}")
            continue
        if (app, model) in old_models and (new_app, model) not in new_models:
            twins = [f"{a}.{m} (id {i})" for i, (a, m) in new.items() if m == model and i != pk]
            report.fail(
                f"{CONTENT_TYPES}: {new_app}.{model} (id {pk}) names no model of the new tree",
                ([f"a new content type was made instead: {', '.join(twins)}"] if twins else [])
                + [
                    "Permissions, guardian grants and admin log entries still point at id "
                    f"{pk}: rename its app_label in the migration that moves the model."
                ],
            )
        elif new_app != app:
            report.note(f"{CONTENT_TYPES}: {app}.{model} is now {new_app}.{model} (id {pk} kept)")
    added = sorted(f"{a}.{m}" for i, (a, m) in new.items() if i not in old)
    if added:
        report.note(f"{CONTENT_TYPES}: {len(added)} new", [", ".join(added)])
    print(f"  {CONTENT_TYPES}: {len(old)} rows before, {len(new)} after")


def compare(args):
    before = json.loads(Path(args.before).read_text())
    allowed = parse_reasons(args.allow_gone, "--allow-gone")
    renamed, rename_reasons = {}, {}
    for old, reason in parse_reasons(args.renamed, "--renamed").items():
        source, _, target = old.partition("=")
        if not target:
            raise SystemExit(f"--renamed {old!r} must read OLD=NEW")
        renamed[source], rename_reasons[source] = target, reason
    old_models = json.loads(Path(args.old_models).read_text())
    new_models = json.loads(Path(args.new_models).read_text())
    report = Report()
    unchanged = []
    with connect(args.database_url) as conn:
        now = set(tables_of(conn))
        for table, old in sorted(before["tables"].items()):
            if table == CONTENT_TYPES:
                compare_content_types(report, old, conn, old_models, new_models, allowed)
                continue
            target = renamed.get(table, table)
            if target not in now:
                if table in allowed:
                    report.note(f"{table}: gone, as allowed ({allowed[table]})")
                else:
                    report.fail(f"{table}: table is gone ({old['rows']} rows)")
                continue
            columns, _pk = describe(conn, target)
            kept = []
            for column in old["columns"]:
                if column in columns:
                    kept.append(column)
                elif f"{table}.{column}" in allowed:
                    report.note(
                        f"{table}.{column}: gone, as allowed ({allowed[f'{table}.{column}']})"
                    )
                else:
                    report.fail(f"{table}.{column}: column is gone")
            label = table if target == table else f"{table} -> {target}"
            if target != table:
                report.note(f"{label}: renamed, as allowed ({rename_reasons[table]})")
            if kept == old["columns"]:
                count, md5 = fingerprint(conn, target, kept)
                if (count, md5) == (old["rows"], old["md5"]):
                    unchanged.append(count)
                    continue
            if not kept:
                continue
            after_rows = rows_of(conn, target, kept)
            compare_rows(report, label, old, after_rows, kept)
            if not any(title.startswith(f"{label}:") for title, _ in report.failures):
                print(f"  {label}: {old['rows']} old rows intact, {len(after_rows)} rows now")
        sequences = dict(conn.execute(SEQUENCES).fetchall())
    for name, value in sorted(before["sequences"].items()):
        if name not in sequences:
            if name not in allowed:
                report.fail(f"sequence {name} is gone (was at {value})")
        elif value is not None and (sequences[name] or 0) < value:
            report.fail(f"sequence {name} went back from {value} to {sequences[name]}")
    print(
        f"  {len(unchanged)} tables unchanged ({sum(unchanged)} rows, same md5 over the old columns)"
    )
    new_tables = sorted(now - set(before["tables"]) - set(renamed.values()))
    if new_tables:
        report.note(f"{len(new_tables)} new table(s)", [", ".join(new_tables)])
    for title, lines in report.notes:
        print(f"  note: {title}")
        for line in lines:
            print(f"      {line}")
    if report.failures:
        # On stdout with the rest, so that the log reads in order.
        print(f"\n{len(report.failures)} problem(s) after the upgrade:")
        for title, lines in report.failures:
            print(f"  FAIL {title}")
            for line in lines:
                print(f"      {line}")
        return 1
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("recreate-db")
    p.add_argument("server_url")
    p.add_argument("name")
    p.set_defaults(run=recreate_db)
    p = sub.add_parser("drop-db")
    p.add_argument("server_url")
    p.add_argument("name")
    p.set_defaults(run=drop_db)
    p = sub.add_parser("models")
    p.add_argument("tree")
    p.add_argument("out")
    p.set_defaults(run=models)
    p = sub.add_parser("snapshot")
    p.add_argument("database_url")
    p.add_argument("out")
    p.set_defaults(run=snapshot)
    p = sub.add_parser("compare")
    p.add_argument("before")
    p.add_argument("database_url")
    p.add_argument("--old-models", required=True)
    p.add_argument("--new-models", required=True)
    p.add_argument("--allow-gone", action="append", default=[])
    p.add_argument("--renamed", action="append", default=[])
    p.set_defaults(run=compare)
    args = parser.parse_args(argv)
    return args.run(args) or 0


if __name__ == "__main__":
    sys.exit(main())
