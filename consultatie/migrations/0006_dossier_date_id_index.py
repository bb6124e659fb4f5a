"""The (dossier, date) index gets the id as its last column, so that the search can walk the
newest notes of many dossiers from the index alone. The new index is built before the old one
goes, so the note lists are never without one."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consultatie", "0005_consultatiethema_required_and_indexed"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="consultatie",
            index=models.Index(
                fields=["dossier", "-date", "-id"], name="consultatie_dossier_770bdc_idx"
            ),
        ),
        migrations.RemoveIndex(
            model_name="consultatie",
            name="consultatie_dossier_75ae45_idx",
        ),
    ]
