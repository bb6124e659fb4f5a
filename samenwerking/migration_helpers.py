"""Migration operations that only apply on PostgreSQL (the embedded SQLite demo skips them)."""

from django.contrib.postgres import operations as postgres_operations
from django.db import migrations

from samenwerking.search import add_search_vector_sql


def search_vector_operation(table: str) -> migrations.RunPython:
    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in add_search_vector_sql(table):
            schema_editor.execute(statement)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")

    return migrations.RunPython(forwards, backwards)


class BtreeGistExtension(postgres_operations.BtreeGistExtension):
    """btree_gist (plain columns such as ids in a GiST index, as exclusion constraints need).

    Django already skips the forwards step on SQLite; this skips the backwards step too, which
    would otherwise ask SQLite about ``pg_extension``.
    """

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        super().database_backwards(app_label, schema_editor, from_state, to_state)


def postgresql_sql(forwards: list[str], backwards: list[str]) -> migrations.RunPython:
    """Statements that run on PostgreSQL only; the embedded SQLite demo has no such feature."""

    def run(statements):
        def operation(apps, schema_editor):
            if schema_editor.connection.vendor != "postgresql":
                return
            for statement in statements:
                schema_editor.execute(statement)

        return operation

    return migrations.RunPython(run(forwards), run(backwards))


def move_content_types(old_label: str, new_label: str, models: list[str]) -> migrations.RunPython:
    """Hand the content types (and so their permissions and admin history) of models that
    moved from one app to another over to the new app, instead of leaving stale ones."""

    def move(apps, from_label, to_label):
        content_type = apps.get_model("contenttypes", "ContentType")
        for model in models:
            if not content_type.objects.filter(app_label=to_label, model=model).exists():
                content_type.objects.filter(app_label=from_label, model=model).update(
                    app_label=to_label
                )

    return migrations.RunPython(
        lambda apps, schema_editor: move(apps, old_label, new_label),
        lambda apps, schema_editor: move(apps, new_label, old_label),
    )


class AddIndexConcurrently(postgres_operations.AddIndexConcurrently):
    """``CREATE INDEX CONCURRENTLY`` on PostgreSQL, so that a large table (the audit log)
    keeps taking writes while its index is built; the migration needs ``atomic = False``.
    A plain index on the embedded SQLite demo, which knows no such thing."""

    def _base(self, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            return postgres_operations.AddIndexConcurrently
        return migrations.AddIndex

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        base = self._base(schema_editor)
        base.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        base = self._base(schema_editor)
        base.database_backwards(self, app_label, schema_editor, from_state, to_state)
