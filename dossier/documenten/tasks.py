from celery import shared_task

from dossier.documenten import services

# Task names stay those of the former dossier.tasks module, so messages already queued
# (and the beat schedule) still find their task after the move.


@shared_task(name="dossier.tasks.purge_document_bin")
def purge_document_bin() -> int:
    """Documents that have been in the bin for 30 days are removed, files included."""
    return services.documents_purge_bin()
