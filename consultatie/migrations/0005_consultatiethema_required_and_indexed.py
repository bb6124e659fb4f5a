"""The copied columns are required from now on, the dossier column becomes a checked foreign key,
and the theme overview gets its index."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("consultatie", "0004_fill_consultatiethema")]

    operations = [
        migrations.AlterField(
            model_name="consultatiethema",
            name="dossier",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="dossier.dossier",
            ),
        ),
        migrations.AlterField(
            model_name="consultatiethema",
            name="school_year",
            field=models.CharField(max_length=9),
        ),
        migrations.AddIndex(
            model_name="consultatiethema",
            index=models.Index(
                fields=["dossier", "school_year", "thema"], name="consultatie_thema_overview"
            ),
        ),
    ]
