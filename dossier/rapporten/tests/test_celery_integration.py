"""A real Celery worker on the real Redis renders a report asked for in a committed transaction.

The worker runs in a thread of this process (celery.contrib.testing), consuming only a queue
named for this run, so no other worker on the shared Redis takes our task and ours takes none
of theirs. The test is transactional: the worker's own database connection must see the rows.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.db import transaction

from dossier.core.access import user_flags
from dossier.rapporten.models import Report
from dossier.rapporten.services import report_request
from dossier.rapporten.tests.test_reports import KIND, YEAR, make_signalen, pdf_text
from samenwerking.celery import app as celery_app

WAIT_SECONDS = 30

# The settings this test changes on the shared app, restored afterwards.
CHANGED_CONF = (
    "task_always_eager",
    "task_default_queue",
    "worker_hijack_root_logger",
    "worker_enable_remote_control",
)


def _keep_our_logging(**kwargs) -> None:
    """A setup_logging receiver: the embedded worker then leaves the root logger alone."""


GENERATE = "dossier.tasks.generate_report"


@pytest.mark.django_db(transaction=True)
def test_a_worker_on_redis_renders_the_report(region, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # the signals (and their notifications) are made while Celery is still eager
    titles = make_signalen(region)["titles"]

    # the real Redis of the test settings, and it answers
    assert settings.REDIS_URL.startswith("redis://")
    assert celery_app.conf.broker_url == settings.REDIS_URL
    redis_client = redis.Redis.from_url(settings.REDIS_URL)
    assert redis_client.ping()

    queue = f"test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    saved_conf = {key: celery_app.conf[key] for key in CHANGED_CONF}
    saved_consume_from = celery_app.amqp.queues._consume_from
    root = logging.getLogger()
    saved_root = (root.level, list(root.handlers))
    signals.setup_logging.connect(_keep_our_logging)
    ran = []

    def record_run(sender=None, args=None, retval=None, **kwargs):
        """Which task ran where: proof that the worker took it from our queue on Redis."""
        ran.append(
            {
                "task": sender.name,
                "args": list(args or ()),
                "queue": (sender.request.delivery_info or {}).get("routing_key"),
                "eager": bool(sender.request.is_eager),
                "worker_thread": threading.current_thread() is not threading.main_thread(),
                "result": retval,
            }
        )

    signals.task_postrun.connect(record_run)
    try:
        celery_app.conf.task_always_eager = False
        celery_app.conf.task_default_queue = queue
        celery_app.conf.worker_hijack_root_logger = False
        # no pidbox queue left behind on the shared Redis
        celery_app.conf.worker_enable_remote_control = False

        with start_worker(
            celery_app,
            pool="solo",
            perform_ping_check=False,
            queues=[queue],
            shutdown_timeout=WAIT_SECONDS,
        ):
            with transaction.atomic():
                report = report_request(
                    dossier=region.dossier_a,
                    kind=KIND,
                    school_year=YEAR,
                    requested_by=region.directie_a,
                    access=user_flags(region.directie_a, region.dossier_a),
                )
                # not sent before the commit, so the worker can never miss the row
                assert redis_client.llen(queue) == 0

            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline:
                report.refresh_from_db()
                if not report.pending:
                    break
                time.sleep(0.2)
    finally:
        signals.task_postrun.disconnect(record_run)
        signals.setup_logging.disconnect(_keep_our_logging)
        for key, value in saved_conf.items():
            celery_app.conf[key] = value
        celery_app.amqp.queues._consume_from = saved_consume_from
        root.setLevel(saved_root[0])
        root.handlers[:] = saved_root[1]
        redis_client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")

    assert report.status == Report.Status.DONE, (report.status, report.error)
    # the worker may also have sent the mail that tells the requester
    assert {run["task"] for run in ran} <= {GENERATE, "dossier.tasks.send_notifications"}
    ran = [run for run in ran if run["task"] == GENERATE]
    assert ran == [
        {
            "task": "dossier.tasks.generate_report",
            "args": [report.pk],
            "queue": queue,
            "eager": False,
            "worker_thread": True,
            "result": True,
        }
    ]
    assert report.attempts == 1
    assert report.size > 0
    path = Path(report.file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert path.read_bytes().startswith(b"%PDF-")
    text = pdf_text(path)
    assert region.school_a.name in text
    for title in titles:
        assert title in text
    # the app is as the rest of the suite expects it
    assert celery_app.conf.task_always_eager is True
    assert celery_app.conf.task_default_queue == saved_conf["task_default_queue"]
    assert django_settings.CELERY_TASK_ALWAYS_EAGER is True
