import time
import types

import allauth.core.internal.ratelimit as allauth_ratelimit
import pytest
import redis
from django.conf import settings


@pytest.fixture
def rate_limit_counters_reset():
    """Forget this test run's keys on the shared Redis before and after the test, and only those.

    ``cache.clear()`` would FLUSHDB the whole shared database (other runs, the Celery broker).
    """
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])

    def reset():
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)

    reset()
    yield
    reset()


class Clock:
    def __init__(self):
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture
def rate_limit_clock(monkeypatch) -> Clock:
    """The clock allauth's rate limiter reads, to spread attempts over minutes without waiting.

    Only the limiter's view of time moves; sessions, TOTP codes and Redis' expiry keep real time.
    The limiter drops timestamps older than a rate's window itself, so moving its clock is
    enough for a window to pass.
    """
    clock = Clock()
    monkeypatch.setattr(
        allauth_ratelimit,
        "time",
        types.SimpleNamespace(time=clock.time, monotonic=time.monotonic, sleep=time.sleep),
    )
    return clock
