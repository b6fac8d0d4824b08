"""A shared cache (Redis) that never takes the site down with it.

Rate limits (allauth's, sign-in and sign-up among them) and the course outline's version live
in the cache. With Django's plain ``RedisCache`` a Redis that is stopped, unreachable or hung
turned every sign-in into a 500 and stopped ``sync_content`` with a traceback. Here every
operation that the shared cache cannot answer is carried out in this process's local memory
instead:

- rate limits keep counting, per worker process, until Redis answers again: looser than one
  count for the whole site, never no limit at all;
- the course outline's version is then local too, so each process rebuilds its copy at the
  latest when it is a minute old (``lessons.outline.MAX_AGE``);
- the socket timeouts in ``settings.CACHES`` (``CACHE_TIMEOUT``, 0.25 s) bound what a hung
  Redis costs a request, and after a failure Redis is left alone for ``RETRY_SECONDS``, so a
  page that uses the cache several times pays that at most once.

One warning is logged per process per minute while Redis is failing, not one per request,
and one line when it answers again.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger("prodep.cache")

# What "the shared cache did not answer" looks like: refused or reset connections, timeouts,
# and Redis's own refusals (loading, out of memory, read-only replica).
SHARED_CACHE_ERRORS = (RedisError, OSError)


class Outage:
    """This process's view of the shared cache: failing since when, and the warnings said."""

    RETRY_SECONDS = 5.0
    WARN_EVERY_SECONDS = 60.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.since: float | None = None  # monotonic time of the first failure, while failing
        self.retry_at = 0.0
        self.warned_at: float | None = None
        self.fallbacks = 0  # operations carried out locally since the last warning

    def ongoing(self) -> bool:
        """Failing a moment ago: leave Redis alone until ``retry_at``."""
        return self.since is not None and time.monotonic() < self.retry_at

    def failed(self, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            if self.since is None:
                self.since = now
            self.retry_at = now + self.RETRY_SECONDS
            if self.warned_at is None or now - self.warned_at >= self.WARN_EVERY_SECONDS:
                self.warned_at = now
                since_last = (
                    f" {self.fallbacks} operations used local memory since the last warning."
                    if self.fallbacks
                    else ""
                )
                log.warning(
                    "The shared cache is not answering (%s: %s). Until it does, rate limits "
                    "count per worker process and the course outline refreshes within a "
                    "minute.%s",
                    type(error).__name__,
                    error,
                    since_last,
                )
                self.fallbacks = 0

    def fell_back(self) -> None:
        self.fallbacks += 1  # a count for the log: an occasional lost increment does not matter

    def answered(self) -> None:
        if self.since is None:
            return
        with self._lock:
            if self.since is not None:
                log.warning(
                    "The shared cache answers again after %.0f s.", time.monotonic() - self.since
                )
                self.since, self.warned_at = None, None


OUTAGE = Outage()
# One local store for every thread of the process (LocMemCache instances share by name).
LOCAL = LocMemCache("prodep-shared-cache-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def _falls_back(name: str):
    def operation(self, *args, **kwargs):
        return self._shared_or_local(name, args, kwargs)

    operation.__name__ = name
    operation.__doc__ = f"``{name}`` on Redis, or on local memory when Redis does not answer."
    return operation


class FallbackRedisCache(RedisCache):
    """Django's Redis cache, with local memory standing in while Redis does not answer.

    ``answered`` says whether this instance's last operation reached Redis. Django keeps one
    cache instance per thread, so it is the calling thread's own answer.
    """

    answered = True

    def _shared_or_local(self, name: str, args, kwargs):
        if not OUTAGE.ongoing():
            try:
                result = getattr(RedisCache, name)(self, *args, **kwargs)
            except SHARED_CACHE_ERRORS as error:
                OUTAGE.failed(error)
            else:
                OUTAGE.answered()
                self.answered = True
                return result
        OUTAGE.fell_back()
        self.answered = False
        return getattr(LOCAL, name)(*args, **kwargs)

    add = _falls_back("add")
    get = _falls_back("get")
    set = _falls_back("set")
    touch = _falls_back("touch")
    delete = _falls_back("delete")
    get_many = _falls_back("get_many")
    has_key = _falls_back("has_key")
    incr = _falls_back("incr")
    set_many = _falls_back("set_many")
    delete_many = _falls_back("delete_many")
    clear = _falls_back("clear")

    def reachable(self) -> bool:
        """Ask Redis itself, past the fallback and the retry pause (for the deep health check)."""
        try:
            RedisCache.has_key(self, "healthz")
        except SHARED_CACHE_ERRORS:
            return False
        return True


def last_reached_shared_cache() -> bool | None:
    """Whether this thread's last cache operation reached the shared cache; None without one."""
    backend = caches["default"]
    return backend.answered if isinstance(backend, FallbackRedisCache) else None
