"""The platform's starter template for the samenwerkingsgesprek (leersteun/starter.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from leersteun import starter

    starter.install(apps)


def unload(apps, schema_editor):
    Sjabloon = apps.get_model("leersteun", "Sjabloon")
    SjabloonVersie = apps.get_model("leersteun", "SjabloonVersie")
    Gesprek = apps.get_model("leersteun", "Gesprek")
    starters = Sjabloon.objects.filter(lsc__isnull=True)
    # a conversation held with the starter keeps it
    if not Gesprek.objects.filter(versie__sjabloon__in=starters).exists():
        SjabloonVersie.objects.filter(sjabloon__in=starters).delete()
        starters.delete()


class Migration(migrations.Migration):
    dependencies = [("leersteun", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
