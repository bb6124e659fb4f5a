from django.db import migrations


def seed(apps, schema_editor):
    RetentionPolicy = apps.get_model("dossier", "RetentionPolicy")
    # Consultation notes: two school years after closing; signals: five (a doorlichting cycle).
    RetentionPolicy.objects.get_or_create(record_type="consultatie", defaults={"school_years": 2})
    RetentionPolicy.objects.get_or_create(record_type="signaal", defaults={"school_years": 5})


class Migration(migrations.Migration):
    dependencies = [("dossier", "0004_deletionlog_retentionpolicy")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
