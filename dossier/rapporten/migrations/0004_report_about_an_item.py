from django.db import migrations, models


class Migration(migrations.Migration):
    """A report may be about one item of its section (a samenwerkingsgesprek), with or without
    that item's confidential content; both belong to what makes two requests the same."""

    dependencies = [
        ("rapporten", "0003_report_reference_and_queued_at"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="report",
            name="report_one_pending_per_request",
        ),
        migrations.AddField(
            model_name="report",
            name="include_confidential",
            field=models.BooleanField(default=False, verbose_name="with confidential content"),
        ),
        migrations.AddField(
            model_name="report",
            name="subject_id",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="about item"),
        ),
        migrations.AddField(
            model_name="report",
            name="subject_label",
            field=models.CharField(blank=True, max_length=200, verbose_name="about"),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["queued", "running"])),
                fields=(
                    "dossier",
                    "kind",
                    "school_year",
                    "requested_by",
                    "subject_id",
                    "include_confidential",
                ),
                name="report_one_pending_per_request",
                nulls_distinct=False,
            ),
        ),
    ]
