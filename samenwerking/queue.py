"""Putting work on the Celery queue without letting a broker outage break the request."""

import logging

from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from samenwerking.celery import app

logger = logging.getLogger(__name__)

# Try the broker briefly: a person is waiting for the page.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.3}


def enqueue(task_name: str, *args) -> bool:
    """Send the task named ``task_name`` with ``args``; False (and a log line) when the broker
    cannot be reached.

    By name, so a service never imports the tasks module that imports it (tasks are thin and
    call services); an unknown name fails loudly, also in eager mode.
    """
    if task_name not in app.tasks:
        # A web process imports the apps' task modules the first time it sends one.
        app.loader.import_default_modules()
    task = app.tasks[task_name]
    try:
        task.apply_async(args=args, retry=True, retry_policy=RETRY_POLICY)
    except (OperationalError, RedisConnectionError, OSError) as exc:
        logger.warning("Could not enqueue %s%r: %s", task_name, args, exc)
        return False
    return True
