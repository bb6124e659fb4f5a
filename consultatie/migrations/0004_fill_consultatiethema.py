"""Every existing note-theme link takes its note's dossier and school year."""

from django.db import migrations

FILL_POSTGRESQL = """
    UPDATE consultatie_consultatie_themas AS link
       SET dossier_id = note.dossier_id, school_year = note.school_year
      FROM consultatie_consultatie AS note
     WHERE note.id = link.consultatie_id
"""

# SQLite (the embedded demo) knows UPDATE ... FROM only since 3.33; a correlated subquery
# works on every version
FILL_PORTABLE = """
    UPDATE consultatie_consultatie_themas
       SET dossier_id = (
               SELECT note.dossier_id FROM consultatie_consultatie AS note
                WHERE note.id = consultatie_consultatie_themas.consultatie_id
           ),
           school_year = (
               SELECT note.school_year FROM consultatie_consultatie AS note
                WHERE note.id = consultatie_consultatie_themas.consultatie_id
           )
"""


def fill_from_notes(apps, schema_editor) -> None:
    """One statement over the whole table: every link, whatever it held, gets its note's
    dossier and school year (so running it again repairs links that drifted)."""
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FILL_POSTGRESQL if vendor == "postgresql" else FILL_PORTABLE)


class Migration(migrations.Migration):
    dependencies = [("consultatie", "0003_consultatiethema")]

    operations = [migrations.RunPython(fill_from_notes, migrations.RunPython.noop, elidable=False)]
