"""A shared cache (Redis) that is stopped, unreachable or hung never takes the site with it.

Sign-in and sign-up keep working and keep their rate limits (counted in local memory), pages
keep their course outline, ``sync_content`` finishes and says the other servers could not be
told, and a hung Redis costs a request at most the socket timeout from the settings.
"""

import logging
import shutil
import socket
import subprocess
import time
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from lessons.models import Lesson
from prodep import cache as shared_cache
from prodep.cache import FallbackRedisCache
from tests.factories import PASSWORD, make_course, make_user, sync, write
from tests.reliability.conftest import redis_caches, run_django

WARNING = "The shared cache is not answering"


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(WARNING)]


# Each operation, at the level of the cache backend ------------------------------------------------


def test_every_operation_is_carried_out_in_local_memory_while_redis_refuses(
    closed_port, fresh_outage
):
    backend = FallbackRedisCache(f"redis://127.0.0.1:{closed_port}/0", {})
    backend.set("a", 1)
    assert backend.get("a") == 1
    assert backend.answered is False
    assert backend.add("b", 2) is True and backend.add("b", 3) is False
    assert backend.incr("b") == 3
    backend.set_many({"c": 4, "d": 5})
    assert backend.get_many(["c", "d"]) == {"c": 4, "d": 5}
    assert backend.has_key("c") and backend.touch("c", 60)
    backend.delete_many(["c", "d"])
    assert backend.delete("a") is True
    assert backend.get("a", "gone") == "gone"
    assert fresh_outage.since is not None


def test_one_warning_a_minute_while_redis_fails_not_one_per_request(
    closed_port, fresh_outage, monkeypatch, caplog
):
    backend = FallbackRedisCache(f"redis://127.0.0.1:{closed_port}/0", {})
    now = [1000.0]
    monkeypatch.setattr(shared_cache.time, "monotonic", lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="prodep.cache"):
        for _ in range(50):
            backend.get("key")
            now[0] += fresh_outage.RETRY_SECONDS  # every call tries Redis again, and fails
        assert len(_warnings(caplog)) == 5  # 50 calls over 250 s: one warning a minute
    assert "ConnectionError" in _warnings(caplog)[0]


def test_after_a_failure_redis_is_left_alone_for_a_few_seconds(closed_port, fresh_outage):
    """A hung Redis would otherwise cost every cache call on a page its full timeout."""
    backend = FallbackRedisCache(f"redis://127.0.0.1:{closed_port}/0", {})
    backend.get("key")
    assert fresh_outage.ongoing()
    tried = []
    backend._cache.get = lambda *args: tried.append(args)  # would be Redis
    for _ in range(10):
        backend.get("key")
    assert tried == []


# The settings' socket timeouts apply --------------------------------------------------------------


def test_a_redis_that_never_answers_costs_a_process_one_short_timeout(silent_port):
    """Prodep's own settings, in a fresh process, against a socket that accepts and never
    answers: without timeouts this hangs for good."""
    script = (
        "import time\n"
        "from django.core.cache import cache\n"
        "started = time.monotonic()\n"
        "cache.set('k', 'v')\n"
        "values = [cache.get('k') for _ in range(20)]\n"
        "print(values[-1], round(time.monotonic() - started, 2))\n"
    )
    value, seconds = run_django(script, CACHE_URL=f"redis://127.0.0.1:{silent_port}/0")
    assert value == "v"  # kept in local memory
    assert float(seconds) < 1.0  # one 0.25 s timeout, then local memory for 21 operations


@pytest.fixture
def private_redis():
    """A Redis server of the test's own on a free port, so it can be paused."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("needs redis-server on PATH to pause a Redis of its own")
    import redis

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    admin = redis.Redis(port=port, socket_connect_timeout=1)
    try:
        for _ in range(50):
            try:
                admin.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        yield port, admin
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_paused_redis_is_waited_for_no_longer_than_the_timeout(
    private_redis, settings, fresh_outage, monkeypatch, caplog
):
    port, admin = private_redis
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{port}/0")
    cache.set("greeting", "from redis")
    assert cache.get("greeting") == "from redis"
    admin.client_pause(1500)  # every client's commands wait 1.5 s
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="prodep.cache"):
        assert cache.get("greeting", "not now") == "not now"
    assert time.monotonic() - started < 1.0  # the 0.25 s read timeout, not the pause
    assert len(_warnings(caplog)) == 1
    time.sleep(1.6)
    monkeypatch.setattr(fresh_outage, "retry_at", 0)
    with caplog.at_level(logging.WARNING, logger="prodep.cache"):
        assert cache.get("greeting") == "from redis"
    assert "The shared cache answers again" in caplog.text


# What people notice, over HTTP ------------------------------------------------------------------


def test_sign_in_and_sign_up_work_while_the_cache_is_down(client, db, cache_down):
    make_user("reader@example.com")
    response = _login(client, "reader@example.com", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    client.logout()
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")


def test_reading_pages_work_while_the_cache_is_down(client, course, cache_down):
    client.force_login(make_user())
    for url in ("/safety/", reverse("lessons:catalogue"), "/lessons/first/lesson-1/", "/home/"):
        assert client.get(url).status_code == 200, url
    assert b"Lesson 2" in client.get("/lessons/first/lesson-1/").content  # the outline's "next"


def test_failed_log_ins_are_still_limited_while_the_cache_is_down(client, db, cache_down, caplog):
    make_user("target@example.com")
    with caplog.at_level(logging.WARNING, logger="prodep.cache"):
        for _ in range(5):
            assert _login(client, "target@example.com", "wrong-password").status_code == 200
        assert _login(client, "target@example.com", PASSWORD).status_code == 429
    assert len(_warnings(caplog)) == 1


def test_the_outline_is_rebuilt_within_a_minute_while_the_cache_is_down(
    content_dir, db, cache_down, monkeypatch
):
    """Nothing can tell this process about a sync elsewhere: the copy's age bounds the lag."""
    from lessons import outline

    make_course(content_dir)
    sync(content_dir)
    built = outline.current()
    Lesson.objects.filter(slug="lesson-2").update(title="Renamed elsewhere")  # no signal here
    assert outline.current() is built
    later = time.monotonic() + outline.MAX_AGE + 1
    monkeypatch.setattr(outline.time, "monotonic", lambda: later)
    titles = [lesson.title for lesson in outline.current().lessons]
    assert "Renamed elsewhere" in titles


def test_sync_content_finishes_and_says_the_cache_could_not_be_told(
    content_dir, transactional_db, cache_down
):
    make_course(content_dir)
    call_command("sync_content", stdout=StringIO(), stderr=StringIO())
    write(content_dir, "01-first/03-lesson-3.md", "---\ntitle: New\nsummary: S.\n---\nText.\n")
    out, err = StringIO(), StringIO()
    call_command("sync_content", stdout=out, stderr=err)
    assert "1 created" in out.getvalue()
    assert "the shared cache (CACHE_URL) did not answer" in err.getvalue()
    assert Lesson.objects.filter(slug="lesson-3", title="New").exists()


def test_sync_content_says_nothing_about_a_cache_that_answered(content_dir, transactional_db):
    make_course(content_dir)
    err = StringIO()
    call_command("sync_content", stdout=StringIO(), stderr=err)
    assert "did not answer" not in err.getvalue()


def test_the_deep_health_check_reports_a_running_redis_as_ok(private_redis, settings, client, db):
    port, _ = private_redis
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{port}/0")
    body = client.get("/healthz", {"deep": "1"}).json()
    assert body["cache"] == "ok"
