from django.db import migrations


def seed(apps, schema_editor):
    RetentionPolicy = apps.get_model("bewaring", "RetentionPolicy")
    # Leersteunvragen rounded off or not started: three school years, long enough for the
    # samenwerkingsgesprek to look back on them and the leersteunraad to see the trend.
    RetentionPolicy.objects.get_or_create(
        record_type="leersteunvraag", defaults={"school_years": 3}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("leersteun", "0004_starter_filters"),
        ("bewaring", "0001_initial"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
