"""What the fault tests share: ports that refuse or never answer, a shared cache that is down."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_django(script: str, **env: str) -> list[str]:
    """Run ``script`` after ``django.setup()`` in a fresh process with Prodep's own settings read
    from the environment (plus ``env``); the words it printed. A hang fails after 30 s."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "prodep.settings", **env}
    result = subprocess.run(
        [sys.executable, "-c", "import django\ndjango.setup()\n" + script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


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
