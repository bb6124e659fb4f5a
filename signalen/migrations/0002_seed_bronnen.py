from django.db import migrations

BRONNEN = [
    "LARS-registratie",
    "Eigen data van het CLB",
    "Meldingen van ouders",
    "Meldingen van leerlingen",
    "Vergelijking met de regio",
    "Eigen vaststelling van de school",
    "Overleg (MDO, structureel overleg)",
    "Andere",
]


def seed(apps, schema_editor):
    Bron = apps.get_model("signalen", "Bron")
    for position, name in enumerate(BRONNEN, start=1):
        Bron.objects.get_or_create(name=name, defaults={"position": position * 10})


class Migration(migrations.Migration):
    dependencies = [("signalen", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
