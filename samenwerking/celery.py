"""The Celery application. Periodic tasks are declared here, in one place."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenwerking.settings.dev")

app = Celery("samenwerking")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Expired sessions are removed nightly so the session table stays small.
    "sessies-opruimen": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
    # A report whose worker died gets a new run (or fails after a few attempts). Every minute:
    # a report counts as stuck a few minutes after its start (its task's hard limit plus a
    # margin), and the person is waiting for it.
    "rapporten-herstarten": {
        "task": "dossier.tasks.requeue_stale_reports",
        "schedule": crontab(minute="*"),
    },
    # Files kept for a limited time (the dossier export) are deleted when their time is up.
    "rapporten-verlopen": {
        "task": "rapporten.tasks.expire_reports",
        "schedule": crontab(minute="*/15"),
    },
    # Notifications the queue missed (it was down, say) still go out.
    "late-meldingen": {
        "task": "dossier.tasks.send_late_notifications",
        "schedule": crontab(minute="*/5"),
    },
    # Closed records past their retention period are deleted at night.
    "bewaartermijnen": {
        "task": "dossier.tasks.purge_expired_records",
        "schedule": crontab(hour=2, minute=30),
    },
    # Documents in the bin for 30 days are removed for good.
    "prullenbak-legen": {
        "task": "dossier.tasks.purge_document_bin",
        "schedule": crontab(hour=2, minute=45),
    },
    # Agreements to evaluate within a month: their partners get a reminder.
    "afspraken-evalueren": {
        "task": "dossier.tasks.remind_agreement_evaluations",
        "schedule": crontab(hour=7, minute=0),
    },
    # A samenwerkingsgesprek planned within GESPREK_REMINDER_DAYS with the school's questions
    # still open: the school gets one reminder.
    "gesprekken-herinneren": {
        "task": "leersteun.tasks.gesprek_reminders_send",
        "schedule": crontab(hour=7, minute=15),
    },
    # The daily digest, at the end of the school day.
    "dagelijkse-samenvatting": {
        "task": "dossier.tasks.send_daily_digests",
        "schedule": crontab(hour=17, minute=0),
    },
}
