from celery import shared_task

from dossier.meldingen import services

# Task names stay those of the former dossier.tasks module, so messages already queued
# (and the beat schedule) still find their task after the move.


@shared_task(name="dossier.tasks.send_notifications", acks_late=True)
def send_notifications(ids: list[int]) -> int:
    return services.notifications_send(ids=ids)


@shared_task(name="dossier.tasks.send_late_notifications")
def send_late_notifications() -> int:
    return services.notifications_send_late()


@shared_task(name="dossier.tasks.send_daily_digests")
def send_daily_digests() -> int:
    return services.digests_send()
