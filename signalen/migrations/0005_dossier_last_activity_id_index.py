"""The (dossier, last activity) index gets the id as its last column, so that the search can
walk the most recently active signals of many dossiers from the index alone. The new index is
built before the old one goes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("signalen", "0004_search_vector"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="signaal",
            index=models.Index(
                fields=["dossier", "-last_activity_at", "-id"],
                name="signalen_si_dossier_246fc3_idx",
            ),
        ),
        migrations.RemoveIndex(
            model_name="signaal",
            name="signalen_si_dossier_a8a8c7_idx",
        ),
    ]
