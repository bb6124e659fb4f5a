"""Logging in does not depend on Redis: the rate limits fall back to this process's memory.

Each test points the cache at a Redis of its own (a closed port, a throwaway redis-server it
stops, or a socket that never answers); the shared Redis on 6379 is left alone. Sessions live in
PostgreSQL (Django's default session engine), so a login made while Redis is away holds.
"""

import socket
import subprocess
import time
from dataclasses import dataclass

import pytest
import redis
from django.core.cache import cache, caches
from django.urls import reverse

from accounts import ratelimit
from accounts.tests.factories import UserFactory
from accounts.tests.logins import (
    PASSWORD,
    TOO_MANY_ATTEMPTS,
    logged_in_as,
    login_with_totp,
    page_text,
    post_login,
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def cache_at(settings):
    """Point the default cache at ``location``, with no fallback state left from other tests."""

    def point(location: str) -> None:
        settings.CACHES = {
            alias: {**config, "LOCATION": location} for alias, config in settings.CACHES.items()
        }
        ratelimit._down_until.pop(location, None)
        caches["default"]._local.clear()

    return point


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen | None = None

    @property
    def location(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]  # noqa: S607
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("the throwaway redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def keys(self) -> list[bytes]:
        return redis.Redis(port=self.port).keys("*allauth:rl:*")


@pytest.fixture
def throwaway_redis():
    server = RedisServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def silent_redis():
    """A port that accepts connections and never answers: a Redis host that hangs."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    yield f"redis://127.0.0.1:{sock.getsockname()[1]}/0"
    sock.close()


def test_password_and_code_log_in_while_redis_refuses_connections(client, db, cache_at):
    cache_at(f"redis://127.0.0.1:{free_port()}/0")
    user = UserFactory(email="medewerker@clb.be", with_mfa=True)

    response = login_with_totp(client, user)

    assert response.status_code == 302
    assert response["Location"] == reverse("dossier:mijn_dossiers")
    assert logged_in_as(client, user)
    # the new session works on the next request too, Redis still away
    assert client.get(reverse("dossier:mijn_dossiers")).status_code == 200


def test_the_per_account_limit_holds_while_redis_is_down_and_colleagues_still_log_in(
    client, db, cache_at
):
    cache_at(f"redis://127.0.0.1:{free_port()}/0")
    locked = UserFactory(email="vergeten@school.be", with_mfa=True)
    colleague = UserFactory(email="collega@school.be", with_mfa=True)

    failures = [post_login(client, locked.email, "fout-wachtwoord") for _ in range(5)]
    refused = post_login(client, locked.email, PASSWORD)
    colleague_response = login_with_totp(client, colleague)

    assert [r.status_code for r in failures] == [200] * 5
    assert refused.status_code == 200
    assert TOO_MANY_ATTEMPTS in page_text(refused)
    assert colleague_response.status_code == 302
    assert logged_in_as(client, colleague)


def test_login_keeps_working_when_redis_goes_away_and_uses_it_again_once_back(
    client, db, cache_at, throwaway_redis, monkeypatch
):
    cache_at(throwaway_redis.location)
    user = UserFactory(email="medewerker@clb.be", with_mfa=True)
    post_login(client, user.email, "fout-wachtwoord")
    assert throwaway_redis.keys(), "with Redis up, the counters are kept in Redis"

    throwaway_redis.stop()
    response = login_with_totp(client, user)
    assert response.status_code == 302
    assert logged_in_as(client, user)

    client.logout()
    throwaway_redis.start()  # an empty Redis on the same port
    monkeypatch.setattr(ratelimit, "RETRY_AFTER_SECONDS", 0)
    ratelimit._down_until.pop(throwaway_redis.location, None)
    post_login(client, user.email, "fout-wachtwoord")
    assert throwaway_redis.keys(), "once Redis answers again, the counters go back to it"


def test_a_redis_that_never_answers_holds_a_login_for_seconds_not_minutes(
    client, db, cache_at, silent_redis
):
    cache_at(silent_redis)
    user = UserFactory(email="medewerker@clb.be", with_mfa=True)

    started = time.monotonic()
    response = login_with_totp(client, user)
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert logged_in_as(client, user)
    # one socket timeout (2 s), after which the rest of the login skips Redis
    assert elapsed < 6


def test_other_cache_keys_still_report_that_redis_is_down(db, cache_at):
    """Only allauth's counters and used codes fall back; other data is not silently split."""
    cache_at(f"redis://127.0.0.1:{free_port()}/0")

    with pytest.raises(redis.ConnectionError):
        cache.get("samenwerking:some-cached-result")


def test_the_redis_client_is_built_once_and_reused():
    from django.core.cache import caches

    cache = caches["default"]
    cache.set("reuse-check", 1)
    first = cache._cache.get_client("reuse-check", write=True)
    assert cache.get("reuse-check") == 1
    assert cache._cache.get_client("reuse-check", write=True) is first
