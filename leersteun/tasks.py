from celery import shared_task

from leersteun.services import herinnering


@shared_task(name="leersteun.tasks.gesprek_reminders_send")
def gesprek_reminders_send() -> int:
    """Planned samenwerkingsgesprekken with open questions: the school hears of it once."""
    return herinnering.gesprek_reminders_send()
