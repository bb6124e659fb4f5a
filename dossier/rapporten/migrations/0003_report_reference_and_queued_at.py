import uuid

import django.utils.timezone
from django.db import migrations, models


def fill_references(apps, schema_editor):
    """Each existing report gets its own random reference (a column default would give all
    rows the same one)."""
    Report = apps.get_model("rapporten", "Report")
    for report in Report.objects.filter(reference__isnull=True).only("pk").iterator():
        Report.objects.filter(pk=report.pk).update(reference=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("rapporten", "0002_choices_come_from_the_registry"),
    ]

    operations = [
        # existing reports count as queued now: one stuck in the queue is resent a little later
        migrations.AddField(
            model_name="report",
            name="queued_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="queued at"
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="reference",
            field=models.UUIDField(editable=False, null=True, verbose_name="reference"),
        ),
        migrations.RunPython(fill_references, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="report",
            name="reference",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="reference"
            ),
        ),
    ]
