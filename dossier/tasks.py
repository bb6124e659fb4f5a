"""Background work for dossiers. Tasks take ids and call a service; nothing else lives here."""

from celery import shared_task

from dossier import notifications, services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=300,
    soft_time_limit=240,
)
def generate_report(report_id: int) -> bool:
    """Render one report. A redelivered message finds it claimed and does nothing."""
    return services.report_generate(report_id=report_id)


@shared_task
def requeue_stale_reports() -> int:
    return services.reports_requeue_stale()


@shared_task(acks_late=True)
def send_notifications(ids: list[int]) -> int:
    return notifications.notifications_send(ids=ids)


@shared_task
def send_late_notifications() -> int:
    return notifications.notifications_send_late()


@shared_task
def send_daily_digests() -> int:
    return notifications.digests_send()


@shared_task
def purge_expired_records() -> int:
    """The nightly retention job: deletes what has expired and logs only what and when."""
    from dossier.retention import retention_purge

    return sum(result.count for result in retention_purge(dry_run=False))


@shared_task
def purge_document_bin() -> int:
    """Documents that have been in the bin for 30 days are removed, files included."""
    return services.documents_purge_bin()


@shared_task
def remind_agreement_evaluations() -> int:
    """Agreements whose evaluation date nears: the partners concerned hear of it."""
    return services.afspraken_remind()
