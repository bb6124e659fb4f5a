"""Migration operations that only apply on PostgreSQL (the embedded SQLite demo skips them)."""

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
