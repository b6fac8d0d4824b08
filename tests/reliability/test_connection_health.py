"""The PostgreSQL health check asks the server only when a connection may have been ended."""

import time

import pytest
from django.db import connection, connections
from django.db.backends.postgresql import base as postgresql

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def other_connection():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no server to end a connection")
    other = connections.create_connection("default")
    other.ensure_connection()
    yield other
    other.close()


def test_a_healthy_idle_connection_is_usable_without_a_round_trip(other_connection, monkeypatch):
    def round_trip(self):
        raise AssertionError("asked the server")

    monkeypatch.setattr(postgresql.DatabaseWrapper, "is_usable", round_trip)
    assert other_connection.is_usable()


def test_a_connection_the_server_ended_is_not_usable(other_connection):
    pid = other_connection.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while other_connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)  # the server's notice takes a moment to arrive
    assert not other_connection.is_usable()


def test_the_settings_use_this_backend_for_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    assert connection.settings_dict["ENGINE"] == "prodep.database"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
