"""``/healthz?deep=1``: database, cache and mail separately, in status words, checked sparingly.

The plain ``/healthz`` is what load balancers poll and keeps its answer. The deep one must
never leak internals (host names, errors), and a flood of requests must not become a flood of
connections to the mail server: each process checks at most every ten seconds.
"""

import socket
import threading

import pytest
from django.db import OperationalError, connection

from prodep import health

WORDS = {"ok", "down", "local", "not configured", "degraded", "unavailable"}


@pytest.fixture(autouse=True)
def _check_afresh():
    health.forget()
    yield
    health.forget()


@pytest.fixture
def smtp_server():
    """A minimal SMTP server on a free port that greets, answers NOOP and QUIT, and counts
    the connections it was asked for."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    connections = []

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            connections.append(conn)
            with conn, conn.makefile("rb") as lines:
                conn.sendall(b"220 mail ready\r\n")
                for line in lines:
                    conn.sendall(
                        b"221 bye\r\n" if line.upper().startswith(b"QUIT") else b"250 ok\r\n"
                    )
                    if line.upper().startswith(b"QUIT"):
                        break

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1], connections
    listener.close()


def smtp_mailers(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 2},
        }
    }


def deep(client):
    response = client.get("/healthz", {"deep": "1"})
    body = response.json()
    assert set(body) == {"status", "database", "cache", "mail"}
    assert set(body.values()) <= WORDS, body  # status words, never a host or an error
    return response.status_code, body


def test_the_plain_health_check_is_unchanged(client, db):
    response = client.get("/healthz")
    assert response.json() == {"status": "ok", "database": "ok"}


def test_each_service_is_reported_separately(client, db, settings, smtp_server):
    port, _ = smtp_server
    settings.MAILERS = smtp_mailers(port)
    assert deep(client) == (
        200,
        {"status": "ok", "database": "ok", "cache": "local", "mail": "ok"},
    )


def test_console_mail_is_not_configured(client, db, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    assert deep(client)[1]["mail"] == "not configured"


def test_a_cache_or_mail_server_that_is_down_degrades_but_keeps_the_server_in_rotation(
    client, db, settings, cache_down, closed_port
):
    settings.MAILERS = smtp_mailers(closed_port)
    status, body = deep(client)
    assert status == 200
    assert body == {"status": "degraded", "database": "ok", "cache": "down", "mail": "down"}


def test_a_database_that_is_down_answers_503(client, db):
    def refuse(*args):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(refuse):
        status, body = deep(client)
    assert status == 503
    assert body["status"] == "unavailable" and body["database"] == "down"


def test_many_requests_make_one_check_every_ten_seconds(
    client, db, settings, smtp_server, monkeypatch
):
    port, connections = smtp_server
    settings.MAILERS = smtp_mailers(port)
    now = [5000.0]
    monkeypatch.setattr(health.time, "monotonic", lambda: now[0])
    for _ in range(20):
        deep(client)
    assert len(connections) == 1
    now[0] += health.CHECK_EVERY
    deep(client)
    assert len(connections) == 2
