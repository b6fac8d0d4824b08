"""What ``GET /healthz?deep=1`` reports: each service Prodep uses, in one status word each.

The plain ``/healthz`` stays what load balancers poll: one database round trip. The deep
check is for an operator (or a monitor) who wants to see a degraded cache or a mail server
that is down without every app server being taken out of rotation. It is open like the plain
one, so it is built not to be worth abusing: it says status words only (never a host name or
an error), and each process checks at most once every ``CHECK_EVERY`` seconds, answering from
its last result in between, so no flood of requests turns into a flood of SMTP connections.
"""

from __future__ import annotations

import smtplib
import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection

from prodep.cache import FallbackRedisCache
from prodep.mail import MAIL_ERRORS

CHECK_EVERY = 10.0  # seconds
MAIL_TIMEOUT = 2.0  # seconds
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

_lock = threading.Lock()
_last: tuple[float, dict[str, str]] | None = None


def database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "down"
    return "ok"


def cache() -> str:
    """ "local": no shared cache is configured, each process has its own (and it always works)."""
    backend = caches["default"]
    if not isinstance(backend, FallbackRedisCache):
        return "local"
    return "ok" if backend.reachable() else "down"


def mail() -> str:
    """Whether the SMTP server greets us; "not configured" for the console and test backends."""
    config = settings.MAILERS.get("default", {})
    if config.get("BACKEND", SMTP_BACKEND) != SMTP_BACKEND:
        return "not configured"
    options: dict[str, Any] = config.get("OPTIONS", {})
    smtp = smtplib.SMTP_SSL if options.get("use_ssl") else smtplib.SMTP
    host, port = options.get("host", "localhost"), options.get("port", 25)
    try:
        with smtp(host, port, timeout=MAIL_TIMEOUT) as server:
            server.noop()
    except MAIL_ERRORS:
        return "down"
    return "ok"


def report() -> dict[str, str]:
    """Every service's status, checked at most once every ``CHECK_EVERY`` seconds per process."""
    global _last
    with _lock:
        now = time.monotonic()
        if _last is None or now - _last[0] >= CHECK_EVERY:
            found = {"database": database(), "cache": cache(), "mail": mail()}
            if found["database"] == "down":
                overall = "unavailable"
            elif "down" in found.values():
                overall = "degraded"
            else:
                overall = "ok"
            _last = (now, {"status": overall, **found})
        return dict(_last[1])


def forget() -> None:
    """Check afresh on the next report (tests)."""
    global _last
    with _lock:
        _last = None
