from celery import shared_task

from dossier.afspraken import services

# Task names stay those of the former dossier.tasks module, so messages already queued
# (and the beat schedule) still find their task after the move.


@shared_task(name="dossier.tasks.remind_agreement_evaluations")
def remind_agreement_evaluations() -> int:
    """Agreements whose evaluation date nears: the partners concerned hear of it."""
    return services.afspraken_remind()
