from celery import shared_task
from django.conf import settings

from dossier.rapporten import services

# Task names stay those of the former dossier.tasks module, so messages already queued
# (and the beat schedule) still find their task after the move.


@shared_task(
    name="dossier.tasks.generate_report",
    acks_late=True,
    reject_on_worker_lost=True,
    # a worker that dies mid-render: the message goes back (after the visibility timeout, or
    # at once if only the pool process died) and the stale sweep requeues the report
    time_limit=settings.REPORT_TASK_TIME_LIMIT,
    soft_time_limit=settings.REPORT_TASK_SOFT_TIME_LIMIT,
)
def generate_report(report_id: int) -> bool:
    """Render one report. A redelivered message finds it claimed and does nothing."""
    return services.report_generate(report_id=report_id)


@shared_task(name="dossier.tasks.requeue_stale_reports")
def requeue_stale_reports() -> int:
    return services.reports_requeue_stale()


@shared_task(name="rapporten.tasks.expire_reports")
def expire_reports() -> int:
    """Delete the files of reports kept for a limited time whose time is up."""
    return services.reports_expire()
