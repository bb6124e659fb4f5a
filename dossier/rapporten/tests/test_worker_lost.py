"""A worker killed mid-render costs its report seconds here (minutes in production), not an hour.

Real Celery worker processes (`celery -A samenwerking worker`, the prefork pool as in
production) on Redis db of the test settings and the test PostgreSQL database. The first worker
is sent SIGKILL on its main process while it renders (the test settings' render delay makes the
render last long enough); its pool process dies with it. A second worker is started, the report
counts as stuck once its task's hard limit plus the margin has passed, the requester's page
offers the retry, the sweep (what beat sends every minute) queues it again, and the report is
made once. The original message, back after the (short) visibility timeout, changes nothing.

The limits are the production mechanism with test numbers, passed to the workers through the
environment: hard limit 8 s + margin 2 s, a visibility timeout of 40 s, a render of 4 s.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.urls import reverse

from dossier.core.access import user_flags
from dossier.rapporten.models import Report, stale_after
from dossier.rapporten.services import report_request
from dossier.rapporten.tests.test_reports import KIND, YEAR
from samenwerking.celery import app as celery_app
from samenwerking.queue import enqueue

pytestmark = pytest.mark.django_db(transaction=True)

LIMITS = {
    "REPORT_TASK_SOFT_TIME_LIMIT": 6,
    "REPORT_TASK_TIME_LIMIT": 8,
    "REPORT_STALE_MARGIN": 2,
    "CELERY_TASK_SOFT_TIME_LIMIT": 9,
    "CELERY_TASK_TIME_LIMIT": 10,
    # longer than the way through the sweep takes here, so the sweep is what recovers it
    "CELERY_VISIBILITY_TIMEOUT": 40,
    "CELERY_UNACKED_RESTORE_INTERVAL": 2,
}
RENDER_SECONDS = 4
WAIT_SECONDS = 60
SWEEP_TASK = "dossier.tasks.requeue_stale_reports"


def worker_database_url() -> str:
    """DATABASE_URL with the test database's name: the worker must see the test's rows."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


class Worker:
    """One `celery worker` process consuming only this test's queue."""

    def __init__(self, name: str, queue: str, media_root: Path, log_dir: Path):
        self.log_path = log_dir / f"{name}.log"
        env = os.environ | {key: str(value) for key, value in LIMITS.items()}
        env |= {
            "DJANGO_SETTINGS_MODULE": "samenwerking.settings.test",
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": django_settings.REDIS_URL,
            "TEST_WORKER_QUEUE": queue,
            "TEST_MEDIA_ROOT": str(media_root),
            "REPORT_TEST_RENDER_DELAY": str(RENDER_SECONDS),
        }
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "samenwerking",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                f"--queues={queue}",
                f"--hostname={name}-{queue}@localhost",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # warm shutdown
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


def forget_queue(client: redis.Redis, queue: str) -> None:
    """Remove the test's queue and any message of it still unacknowledged (a failed run's),
    which a later run's worker would otherwise restore into a queue nobody reads."""
    for tag, payload in client.hgetall("unacked").items():
        if json.loads(payload)[2] == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def wait_for(condition, what: str, workers, timeout: float = WAIT_SECONDS):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    logs = "\n".join(f"--- {w.log_path.name}\n{w.output()[-3000:]}" for w in workers)
    pytest.fail(f"timed out waiting for {what}\n{logs}")


def process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # a zombie of our own Popen still answers; reaped by wait() in the caller
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


def test_a_worker_killed_mid_render_costs_minutes_not_an_hour(region, settings, client, tmp_path):
    for key in ("REPORT_TASK_SOFT_TIME_LIMIT", "REPORT_TASK_TIME_LIMIT", "REPORT_STALE_MARGIN"):
        setattr(settings, key, LIMITS[key])
    media_root = tmp_path / "media"
    settings.MEDIA_ROOT = str(media_root)
    assert stale_after().total_seconds() == 10

    queue = f"test-lost-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    redis_client = redis.Redis.from_url(settings.REDIS_URL)
    assert redis_client.ping()
    saved_conf = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    saved_consume_from = celery_app.amqp.queues._consume_from
    workers: list[Worker] = []
    orphans: list[int] = []
    try:
        # this process sends to the test's queue, as the web process sends to the real one
        celery_app.conf.task_always_eager = False
        celery_app.conf.task_default_queue = queue

        first = Worker("first", queue, media_root, tmp_path)
        workers.append(first)
        with transaction.atomic():
            report = report_request(
                dossier=region.dossier_a,
                kind=KIND,
                school_year=YEAR,
                requested_by=region.directie_a,
                access=user_flags(region.directie_a, region.dossier_a),
            )

        def running():
            report.refresh_from_db()
            return report.status == Report.Status.RUNNING

        started = time.monotonic()
        wait_for(running, "the first worker to start rendering", workers)
        print(f"first worker rendering after {time.monotonic() - started:.1f} s")
        orphans = first.children()
        assert orphans, "the prefork pool has a process rendering"
        time.sleep(1)  # well into the render

        os.kill(first.pid, signal.SIGKILL)
        first.process.wait(timeout=10)
        # the pool process dies with its main process (Celery sets PDEATHSIG), mid-render
        wait_for(lambda: all(process_gone(pid) for pid in orphans), "the pool to die", workers)
        killed_at = time.monotonic()
        report.refresh_from_db()
        assert report.status == Report.Status.RUNNING
        assert report.attempts == 1
        assert not list(media_root.rglob("*.pdf"))

        # not yet stuck: the requester's page shows it being made, without a retry
        client.force_login(region.directie_a)
        page_url = reverse("rapporten:reports", kwargs={"pk": region.dossier_a.pk})
        retry_url = reverse(
            "rapporten:report_retry",
            kwargs={"pk": region.dossier_a.pk, "reference": report.reference},
        )
        assert not report.is_stale()
        assert retry_url not in client.get(page_url).content.decode()

        second = Worker("second", queue, media_root, tmp_path)
        workers.append(second)
        wait_for(lambda: "ready." in second.output(), "the second worker", workers)
        print(f"second worker ready {time.monotonic() - killed_at:.1f} s after the kill")

        # once past the task's hard limit plus the margin, the requester may retry it

        def stuck():
            report.refresh_from_db()
            return report.status == Report.Status.RUNNING and report.is_stale()

        wait_for(stuck, "the report to count as stuck", workers)
        assert retry_url in client.get(page_url).content.decode()

        # what beat sends every minute: the sweep queues it again on the second worker
        assert enqueue(SWEEP_TASK)

        def finished():
            report.refresh_from_db()
            return not report.pending

        wait_for(finished, "the report to be made again", workers)
        recovered_after = time.monotonic() - killed_at
        print(f"report made again {recovered_after:.1f} s after the kill")
        assert report.status == Report.Status.DONE, report.error
        assert report.attempts == 2  # the lost run and the sweep's
        assert recovered_after < 60, recovered_after

        # the lost message itself comes back after the visibility timeout, and finds the
        # report made: it renders nothing
        lost_task = re.search(r"generate_report\[([0-9a-f-]+)\] received", first.output())[1]
        wait_for(
            lambda: f"generate_report[{lost_task}] succeeded" in second.output(),
            "the lost message to come back",
            workers,
            timeout=LIMITS["CELERY_VISIBILITY_TIMEOUT"] + 30,
        )
        assert re.search(
            rf"generate_report\[{lost_task}\] succeeded in [0-9.]+s: False", second.output()
        )
    finally:
        for worker in workers:
            worker.stop()
        for pid in orphans:
            if not process_gone(pid):
                os.kill(pid, signal.SIGKILL)
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = saved_conf
        celery_app.amqp.queues._consume_from = saved_consume_from
        forget_queue(redis_client, queue)

    assert Report.objects.count() == 1
    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    files = list(media_root.rglob("*.pdf"))
    assert len(files) == 1
    assert Path(report.file.path) == files[0]
    assert files[0].read_bytes().startswith(b"%PDF-")
