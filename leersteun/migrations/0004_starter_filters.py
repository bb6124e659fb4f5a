"""The starter template's filters (leersteun/starter.py FILTERS), for databases that already
have the starter: its newest published version gets them, once."""

from django.db import migrations


def load(apps, schema_editor):
    from leersteun import starter

    starter.install(apps)


def unload(apps, schema_editor):
    from leersteun.starter import FILTERS, starter_key

    Filter = apps.get_model("leersteun", "Filter")
    Filter.objects.filter(
        versie__sjabloon__lsc__isnull=True,
        key__in=[starter_key(f"filter/{item['slug']}") for item in FILTERS],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("leersteun", "0003_leersteunvragen")]
    operations = [migrations.RunPython(load, unload)]
