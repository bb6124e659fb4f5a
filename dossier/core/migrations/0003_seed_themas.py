from django.db import migrations

THEMAS = [
    "Pesten",
    "Welbevinden",
    "Afwezigheden en spijbelen",
    "Tucht en leerlingen die buiten gezet worden",
    "Leersteun",
    "Studiekeuze en oriëntering",
    "Aangepaste leerlijnen en verslagen",
    "Gezondheid",
    "Leren en studeren",
    "Sociaal-emotionele ontwikkeling",
    "Ouders en communicatie",
    "Andere",
]


def seed(apps, schema_editor):
    Thema = apps.get_model("dossier", "Thema")
    for position, name in enumerate(THEMAS, start=1):
        Thema.objects.get_or_create(name=name, defaults={"position": position * 10})


class Migration(migrations.Migration):
    dependencies = [("dossier", "0002_thema_alter_auditevent_action_notification_report")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
