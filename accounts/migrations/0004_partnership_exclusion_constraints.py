# The database itself refuses overlapping partnerships, so that two transactions that each
# passed Partnership.clean() cannot both write (clean() still gives the friendly message).
# PostgreSQL only: the embedded SQLite demo has no exclusion constraints and relies on clean().

from django.db import migrations

from samenwerking.migration_helpers import BtreeGistExtension, postgresql_sql

# The same names as accounts.models.PARTNERSHIP_OVERLAP_CONSTRAINTS.
ONE_CLB_AND_ONE_PBD = "partnership_one_clb_and_one_pbd_at_a_time"
SAME_PARTNER_ONCE = "partnership_same_partner_once_at_a_time"

# Both ends are inclusive; an open end (NULL) is an unbounded range.
PERIOD = "daterange(start_date, end_date, '[]')"

OVERLAPS = """
SELECT a.id, b.id FROM dossier_partnership a
JOIN dossier_partnership b ON b.school_id = a.school_id AND b.id > a.id
WHERE daterange(a.start_date, a.end_date, '[]') && daterange(b.start_date, b.end_date, '[]')
  AND (a.partner_id = b.partner_id
       OR (a.partner_kind = b.partner_kind AND a.partner_kind IN ('clb', 'pbd')))
ORDER BY a.id, b.id
LIMIT 20
"""


def refuse_existing_overlaps(apps, schema_editor):
    """Name the rows that already overlap, rather than let ADD CONSTRAINT fail on the first."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(OVERLAPS)
        pairs = cursor.fetchall()
    if pairs:
        listed = ", ".join(f"{a} and {b}" for a, b in pairs)
        raise RuntimeError(
            f"These partnerships (dossier_partnership ids) overlap: {listed}. End or remove one "
            "of each pair in the admin, then migrate again."
        )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_partnership'),
    ]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(refuse_existing_overlaps, migrations.RunPython.noop),
        postgresql_sql(
            forwards=[
                f"""ALTER TABLE dossier_partnership ADD CONSTRAINT {ONE_CLB_AND_ONE_PBD}
                EXCLUDE USING gist (school_id WITH =, partner_kind WITH =, {PERIOD} WITH &&)
                WHERE (partner_kind IN ('clb', 'pbd'))""",
                f"""ALTER TABLE dossier_partnership ADD CONSTRAINT {SAME_PARTNER_ONCE}
                EXCLUDE USING gist (school_id WITH =, partner_id WITH =, {PERIOD} WITH &&)""",
            ],
            backwards=[
                f"ALTER TABLE dossier_partnership DROP CONSTRAINT IF EXISTS {SAME_PARTNER_ONCE}",
                f"ALTER TABLE dossier_partnership DROP CONSTRAINT IF EXISTS {ONE_CLB_AND_ONE_PBD}",
            ],
        ),
    ]
