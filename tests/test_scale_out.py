"""Two app servers sharing one PostgreSQL and one Redis behave as one site.

Starts two gunicorn instances (production settings, different ports) on the test database:
a session made on one is valid on the other, and allauth's failed-log-in limit (5 per account
in 5 minutes, then 429) counts attempts made on both. Runs only where PostgreSQL is the test
database (``DATABASE_URL=postgres://...``, as in CI's second run) and Redis answers on
127.0.0.1:6379; skipped, with the reason, everywhere else. ``make bench`` shows the same on the
scale data set.
"""

import os

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.factories import make_user
from tests.servers import server_env

# A database number of its own (only it is flushed); SCALEOUT_REDIS_DB picks another where two
# checkouts run this test on one machine.
REDIS_DB = int(os.environ.get("SCALEOUT_REDIS_DB", "15"))
PASSWORD = "a-long-test-password-1"

pytestmark = pytest.mark.scaleout


def _redis():
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_connect_timeout=1)
        client.ping()
        return client
    except Exception:  # noqa: BLE001 - any failure means "no Redis here"
        return None


@pytest.fixture
def shared_services(transactional_db, tmp_path):
    """Environment for app servers on the test database and a dedicated Redis database."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL as the test database (DATABASE_URL=postgres://...)")
    redis = _redis()
    if redis is None:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    env = server_env(tmp_path, CACHE_URL=f"redis://127.0.0.1:6379/{REDIS_DB}")
    redis.flushdb()
    yield env
    redis.flushdb()


@pytest.fixture
def two_servers(shared_services, tmp_path):
    from bench.servers import Server

    servers = []
    try:
        for name in ("a", "b"):
            servers.append(Server(shared_services, 1, tmp_path / f"gunicorn-{name}.log"))
        yield servers
    finally:
        for server in servers:
            server.stop()  # before the test database is flushed: no connection left open


def _user(email):
    user = make_user(email)
    # The servers use the production hashers, not the tests' MD5: store a PBKDF2 hash they know
    # (few iterations, to stay fast).
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "scaleoutsalt", iterations=1000)
    user.save(update_fields=["password"])
    return user


def test_a_session_made_on_one_server_is_valid_on_the_other(two_servers):
    from bench.servers import SITE_HOST, http, login

    a, b = two_servers
    _user("traveller@example.com")
    status, cookies = login(a.base, "traveller@example.com", PASSWORD)
    assert status == 302
    session = "sessionid=" + cookies["sessionid"]
    for server in (b, a):
        status, _, body = http(
            "GET", server.base + "/home/", {"Cookie": session, "Host": SITE_HOST}
        )
        assert status == 200
        assert b"Your progress" in body  # the dashboard, signed in


def test_failed_log_ins_count_across_servers(two_servers):
    """The count is the account's, whichever server and whatever port the Host header names."""
    from bench.servers import login

    a, b = two_servers
    _user("target@example.com")
    for attempt in range(5):
        server = (a, b)[attempt % 2]
        assert login(server.base, "target@example.com", "wrong-password")[0] == 200
    # Three failures were on A and two on B: the sixth attempt is refused on either server,
    # even with the right password, and another port in the Host header is no fresh budget.
    assert login(b.base, "target@example.com", PASSWORD)[0] == 429
    assert login(a.base, "target@example.com", PASSWORD)[0] == 429
    for server, port in ((a, 1), (b, 2)):
        host = f"127.0.0.1:{port}"
        assert login(server.base, "target@example.com", "wrong-password", host)[0] == 429
        assert login(server.base, "target@example.com", PASSWORD, host)[0] == 429


def test_signing_out_on_one_server_ends_the_session_on_the_other_at_once(two_servers):
    """Sessions are read from the database on every request, never from a per-server copy."""
    from bench.servers import SITE_HOST, http, login

    a, b = two_servers
    _user("leaving@example.com")
    status, cookies = login(a.base, "leaving@example.com", PASSWORD)
    assert status == 302
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    headers = {"Cookie": cookie, "Host": SITE_HOST}
    assert http("GET", b.base + "/home/", headers)[0] == 200

    signed_out = http(
        "POST",
        a.base + "/accounts/logout/",
        headers,
        {
            "csrfmiddlewaretoken": cookies["csrftoken"],
        },
    )
    assert signed_out[0] == 302

    status, answer, _ = http("GET", b.base + "/home/", headers)
    assert status == 302
    assert answer["Location"].startswith("/accounts/login/")
