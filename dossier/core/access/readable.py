"""The ids of the dossiers a person may read a section in: once per request, briefly cached.

Lists across schools (the signals and notes of my schools, the search, the theme overview)
filter by these ids rather than by the access subquery, which PostgreSQL plans slowly and
estimates badly. The ids are kept on the request's user object, so a request computes them at
most once, and in the cache for ``ACCESS_CACHE_SECONDS`` under a generation number that every
change of a grant, membership, partnership or person moves on (``access_changed``): a change
takes effect on the next request. The day is part of the key, so a membership or partnership
that ends at midnight ends then.
"""

from __future__ import annotations

import contextlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from dossier.core.access.rules import Section

logger = logging.getLogger(__name__)

GENERATION_KEY = "access:generation"
MEMO_ATTRIBUTE = "_access_memo"  # the readable ids and the standing of this request


def access_changed(**kwargs) -> None:
    """Forget every cached list of ids: now, and again once the change is committed (a list
    computed meanwhile from the old rows must not outlive the transaction)."""
    _new_generation()
    transaction.on_commit(_new_generation)


class _CacheUnavailable(Exception):
    pass


def _cache(method: str, *args):
    """A cache call that fails fast: while Redis is known to be down (the login cache marks it,
    accounts.ratelimit) or when it fails now, the caller computes without the cache. A page
    never waits for, or fails on, Redis because of this cache."""
    is_down = getattr(cache, "redis_is_down", None)
    if is_down is not None and is_down():
        raise _CacheUnavailable
    try:
        return getattr(cache, method)(*args)
    except Exception as exc:  # noqa: BLE001 - any cache failure: work without it
        mark_down = getattr(cache, "_redis_failed", None)
        if mark_down is not None:
            mark_down(exc)
        raise _CacheUnavailable from exc


# Moved on by every change made in this process: a person's generation read earlier in the
# request is read again after a change (another process's change shows on the next request).
_changes_here = [0]
GENERATION_MEMO = "_access_generation"


def _new_generation() -> None:
    _changes_here[0] += 1
    try:
        _cache("set", GENERATION_KEY, time.time_ns(), None)
    except _CacheUnavailable:
        # Lists cached before the outage may then live out their ACCESS_CACHE_SECONDS.
        logger.warning("The cache is unreachable: cached readable dossier lists not forgotten.")


def _generation(user):
    """The access generation, read from the cache once per request (kept on the user object)
    and again after a change in this process. Raises ``_CacheUnavailable``."""
    memo = user.__dict__.get(GENERATION_MEMO)
    if memo is not None and memo[0] == _changes_here[0]:
        return memo[1]
    generation = _cache("get", GENERATION_KEY, 0)
    user.__dict__[GENERATION_MEMO] = (_changes_here[0], generation)
    return generation


def access_generation(user):
    """The current access generation, or None while the cache is unreachable."""
    try:
        return _generation(user)
    except _CacheUnavailable:
        return None


def person_cached(user, name: str, compute):
    """``compute()`` for this person, today: once per request (kept on the user object) and
    in the cache for ``ACCESS_CACHE_SECONDS`` under the current access generation. ``name``
    tells apart the values kept for one person (a section's ids, the standing)."""
    seconds = settings.ACCESS_CACHE_SECONDS
    if not seconds:
        return compute()
    try:
        generation = _generation(user)
    except _CacheUnavailable:
        return compute()
    day = timezone.localdate().isoformat()
    key = f"access:{name}:{generation}:{day}:{user.pk}"
    # on the user object too: a request asks the cache once (a change moves the generation,
    # so the same object after a change looks again)
    memo = user.__dict__.get(MEMO_ATTRIBUTE)
    if memo is None or memo[0] != (generation, day):
        memo = ((generation, day), {})  # only the current generation's values are kept
        user.__dict__[MEMO_ATTRIBUTE] = memo
    values = memo[1]
    if key not in values:
        try:
            value = _cache("get", key)
        except _CacheUnavailable:
            return compute()
        if value is None:
            value = compute()
            with contextlib.suppress(_CacheUnavailable):
                _cache("set", key, value, seconds)
        values[key] = value
    return values[key]


def readable_dossier_ids(user, section: Section, *, write: bool = False) -> list[int]:
    if not (user.is_authenticated and user.is_active):
        return []
    return person_cached(
        user, f"ids:{section.value}:{int(write)}", lambda: _compute(user, section, write)
    )


def _compute(user, section: Section, write: bool) -> list[int]:
    from dossier.core.access.queries import dossiers_for_user  # it asks for the standing here

    return list(
        dossiers_for_user(user, section=section, write=write)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
