from celery import shared_task

from dossier.bewaring.services import retention_purge

# Task names stay those of the former dossier.tasks module, so messages already queued
# (and the beat schedule) still find their task after the move.


@shared_task(name="dossier.tasks.purge_expired_records")
def purge_expired_records() -> int:
    """The nightly retention job: deletes what has expired and logs only what and when."""
    return sum(result.count for result in retention_purge(dry_run=False))
