"""Putting work on the Celery queue without letting a broker outage break the request."""

import logging

from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

logger = logging.getLogger(__name__)

# Try the broker briefly: a person is waiting for the page.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.3}


def enqueue(task, *args) -> bool:
    """Send ``task`` with ``args``; False (and a log line) when the broker cannot be reached."""
    try:
        task.apply_async(args=args, retry=True, retry_policy=RETRY_POLICY)
    except (OperationalError, RedisConnectionError, OSError) as exc:
        logger.warning("Could not enqueue %s%r: %s", task.name, args, exc)
        return False
    return True
