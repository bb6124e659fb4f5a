"""The note-theme table becomes a model of its own, adopted as it is (no row moves), and gains
two nullable columns for the note's dossier and school year; 0004 fills them, 0005 makes them
required, adds the dossier's foreign key constraint and the overview's index.

Three migrations, not one: on PostgreSQL each runs in its own transaction, so the long UPDATE
of 0004 is committed before 0005 alters the table again (ALTER TABLE refuses a table with
trigger events still pending in the same transaction)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consultatie", "0002_search_vector"),
        ("dossier", "0011_auditevent_actor_may_be_the_platform"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # the table, its unique pair and its two indexes are exactly those Django made for
            # the plain many-to-many field: only the project state changes
            state_operations=[
                migrations.CreateModel(
                    name="ConsultatieThema",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "consultatie",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="consultatie.consultatie",
                            ),
                        ),
                        (
                            "thema",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="dossier.thema",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "consultatie_consultatie_themas",
                        "unique_together": {("consultatie", "thema")},
                    },
                ),
                migrations.AlterField(
                    model_name="consultatie",
                    name="themas",
                    field=models.ManyToManyField(
                        related_name="+",
                        through="consultatie.ConsultatieThema",
                        to="dossier.thema",
                        verbose_name="themes",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="consultatiethema",
            name="dossier",
            # the foreign key constraint comes in 0005, checked once over the filled table,
            # rather than once per row the fill updates
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="dossier.dossier",
            ),
        ),
        migrations.AddField(
            model_name="consultatiethema",
            name="school_year",
            field=models.CharField(max_length=9, null=True),
        ),
    ]
