from django.db import migrations, models

# The function every content table's trigger calls (dossier.core.contentversion installs the
# triggers after each migrate, from the models), and the guard on the dossier row itself: a
# save of a dossier read earlier can never set the number back.
FUNCTIONS = """
CREATE OR REPLACE FUNCTION dossier_content_changed() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
    -- TG_ARGV[0]: the column of this table that leads to the dossier
    -- TG_ARGV[1]: a query from that column's value ($1) to the dossier id, or '' when the
    --             column holds the dossier id itself
    old_ref bigint;
    new_ref bigint;
    dossier_ids bigint[] := '{}';
    ref bigint;
    found_id bigint;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        old_ref := (to_jsonb(OLD) ->> TG_ARGV[0])::bigint;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        new_ref := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
    END IF;
    IF TG_OP = 'UPDATE' AND old_ref IS NOT DISTINCT FROM new_ref THEN
        old_ref := NULL;
    END IF;
    FOREACH ref IN ARRAY ARRAY[old_ref, new_ref] LOOP
        CONTINUE WHEN ref IS NULL;
        IF TG_ARGV[1] = '' THEN
            found_id := ref;
        ELSE
            EXECUTE TG_ARGV[1] INTO found_id USING ref;
        END IF;
        IF found_id IS NOT NULL AND NOT found_id = ANY(dossier_ids) THEN
            dossier_ids := dossier_ids || found_id;
        END IF;
    END LOOP;
    IF array_length(dossier_ids, 1) > 0 THEN
        UPDATE dossier_dossier SET content_version = content_version + 1
        WHERE id = ANY(dossier_ids);
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION dossier_content_all_changed() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    -- a list every dossier's pages show (themes, sources) changed: every page is new
    UPDATE dossier_dossier SET content_version = content_version + 1;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION dossier_content_version_only_grows() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF NEW.content_version <= OLD.content_version THEN
        NEW.content_version := OLD.content_version + 1;
    END IF;
    RETURN NEW;
END
$fn$;

DROP TRIGGER IF EXISTS dossier_content_version_only_grows ON dossier_dossier;
CREATE TRIGGER dossier_content_version_only_grows
    BEFORE UPDATE ON dossier_dossier
    FOR EACH ROW EXECUTE FUNCTION dossier_content_version_only_grows();
"""

REMOVE = """
DROP TRIGGER IF EXISTS dossier_content_version_only_grows ON dossier_dossier;
DROP FUNCTION IF EXISTS dossier_content_version_only_grows() CASCADE;
DROP FUNCTION IF EXISTS dossier_content_changed() CASCADE;
DROP FUNCTION IF EXISTS dossier_content_all_changed() CASCADE;
"""


def functions(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE)


class Migration(migrations.Migration):
    dependencies = [
        ("dossier", "0011_auditevent_actor_may_be_the_platform"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="content_version",
            field=models.BigIntegerField(default=0, editable=False, verbose_name="content version"),
        ),
        migrations.RunPython(functions, remove),
    ]
