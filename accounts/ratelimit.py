"""Login keeps working while Redis is away: allauth's security bookkeeping falls back to memory.

allauth keeps two things in Django's default cache: the rate-limit counters (failed logins per
account and per address, login posts per address, password resets) and the TOTP codes already
used. With Redis unreachable, every ``POST /account/login/`` raised ``ConnectionError`` (a 500),
so nobody could log in. ``ResilientRedisCache`` keeps exactly those keys in this process's memory
while Redis cannot be reached, and goes back to Redis once it answers again.

What holds during an outage, and what is weaker:

- the limits still apply, but per gunicorn worker instead of across the stack: with three
  workers an attacker gets at most three times the attempts until Redis is back;
- a TOTP code could be accepted a second time by another worker within its 30 seconds;
- counters kept in memory are forgotten when Redis comes back (Redis' own counters from before
  the outage still count).

Other keys are not redirected: code that caches its own data sees the error, as before, rather
than a per-process copy that another process cannot invalidate.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# The keys allauth builds (allauth.core.internal.ratelimit, allauth.mfa.totp.internal.auth).
FALLBACK_KEY_PREFIXES = ("allauth:rl:", "allauth.mfa.totp.used")
# After a failure, Redis is left alone this long: a login makes some twenty cache calls, and
# each one would otherwise wait for its own connection timeout.
RETRY_AFTER_SECONDS = 10.0
# Large enough that an attacker spraying many accounts cannot push a counter out of memory.
LOCAL_MAX_ENTRIES = 50_000

# Per process, shared by the threads' cache instances: when each Redis location may be tried again.
_down_until: dict[str, float] = {}
_down_lock = threading.Lock()


class ReusedClients(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` on every cache call (its command table
    included: a quarter of a millisecond, seven times on a page); this one builds one per
    connection pool and reuses it. A ``redis.Redis`` is safe to share: each command takes a
    connection from the pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's Redis cache; allauth's rate-limit and used-code keys fall back to local memory."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients
        self._location = server if isinstance(server, str) else ",".join(server)
        self._local = LocMemCache(
            # One store per process and location, whichever thread's cache instance uses it.
            f"resilient-redis-fallback:{self._location}",
            {
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "OPTIONS": {"MAX_ENTRIES": LOCAL_MAX_ENTRIES},
            },
        )

    def redis_is_down(self) -> bool:
        return time.monotonic() < _down_until.get(self._location, 0.0)

    def _redis_failed(self, exc: Exception) -> None:
        with _down_lock:
            was_up = not self.redis_is_down()
            _down_until[self._location] = time.monotonic() + RETRY_AFTER_SECONDS
        if was_up:
            logger.warning(
                "Redis at %s cannot be reached (%s): login rate limits and used TOTP codes "
                "are kept in this process's memory until it answers again.",
                self._location,
                exc,
            )

    def _call(self, name, key, *args, **kwargs):
        redis_method = getattr(super(), name)
        if not key.startswith(FALLBACK_KEY_PREFIXES):
            return redis_method(key, *args, **kwargs)
        if not self.redis_is_down():
            try:
                return redis_method(key, *args, **kwargs)
            except RedisError as exc:
                self._redis_failed(exc)
        return getattr(self._local, name)(key, *args, **kwargs)

    def add(self, key, *args, **kwargs):
        return self._call("add", key, *args, **kwargs)

    def get(self, key, *args, **kwargs):
        return self._call("get", key, *args, **kwargs)

    def set(self, key, *args, **kwargs):
        return self._call("set", key, *args, **kwargs)

    def touch(self, key, *args, **kwargs):
        return self._call("touch", key, *args, **kwargs)

    def delete(self, key, *args, **kwargs):
        return self._call("delete", key, *args, **kwargs)

    def has_key(self, key, *args, **kwargs):
        return self._call("has_key", key, *args, **kwargs)

    def incr(self, key, *args, **kwargs):
        return self._call("incr", key, *args, **kwargs)
