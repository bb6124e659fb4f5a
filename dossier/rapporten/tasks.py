from celery import shared_task

from dossier.rapporten import services

# Task names stay those of the former dossier.tasks module, so messages already queued
# (and the beat schedule) still find their task after the move.


@shared_task(
    name="dossier.tasks.generate_report",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=300,
    soft_time_limit=240,
)
def generate_report(report_id: int) -> bool:
    """Render one report. A redelivered message finds it claimed and does nothing."""
    return services.report_generate(report_id=report_id)


@shared_task(name="dossier.tasks.requeue_stale_reports")
def requeue_stale_reports() -> int:
    return services.reports_requeue_stale()
