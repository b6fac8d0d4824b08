"""What the fault tests share: ports that refuse or never answer, a shared cache that is down."""

import socket

import pytest


@pytest.fixture
def closed_port():
    """A loopback port nothing listens on: connections are refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def silent_port():
    """A loopback port that accepts connections and never says a word, like a hung server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield s.getsockname()[1]


@pytest.fixture
def fresh_outage(monkeypatch):
    """This process's record of shared-cache failures, started afresh for the test."""
    from prodep import cache

    outage = cache.Outage()
    monkeypatch.setattr(cache, "OUTAGE", outage)
    cache.LOCAL.clear()
    yield outage
    cache.LOCAL.clear()


def redis_caches(url: str) -> dict:
    """The CACHES setting prodep/settings.py makes when CACHE_URL is ``url``."""
    from django.conf import settings

    timeout = settings.CACHE_TIMEOUT
    return {
        "default": {
            "BACKEND": "prodep.cache.FallbackRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "prodep",
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    }


@pytest.fixture
def cache_down(settings, closed_port, fresh_outage):
    """CACHE_URL pointing at a Redis that is not there."""
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{closed_port}/0")
    return fresh_outage
