from django.core.management.base import BaseCommand

from dossier.bewaring.services import retention_purge


class Command(BaseCommand):
    help = "Delete closed signals and consultation notes whose retention period has passed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say what would be deleted; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        for result in retention_purge(dry_run=dry_run):
            verb = "would delete" if dry_run else "deleted"
            self.stdout.write(
                f"{result.record_type}: {verb} {result.count} (closed before "
                f"{result.cutoff:%d/%m/%Y})"
            )
