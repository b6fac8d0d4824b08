"""With the database down, people get a calm 503 with the crisis numbers, never a traceback.

"Down" is simulated where Django meets the driver: every query raises the OperationalError a
stopped server gives. Nothing on the page may need the database (the crisis page is content
in it, so its numbers are in the template), "Exit this page" still leaves, and what a reader
typed is handed back or kept for a retry.
"""

import re
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests.factories import make_user
from tests.reliability.conftest import ROOT, run_django
from tests.servers import server_env

CRISIS_PAGE = ROOT / "content" / "crisis.md"


@contextmanager
def database_down():
    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: refused")

    with connection.execute_wrapper(refuse):
        yield


@pytest.fixture
def reader_client(db):
    client = Client(raise_request_exception=False)
    client.force_login(make_user("reader@example.com"))
    return client


def test_a_signed_in_page_answers_a_calm_503_with_the_crisis_numbers(reader_client):
    with database_down():
        response = reader_client.get("/home/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    html = response.content.decode()
    assert "Back in a moment" in html and "Nothing you did caused this" in html
    for number in ("911", "999", "112", "988", "116 123", "1-800-799-7233", "0808 2000 247"):
        assert f"<strong>{number}</strong>" in html
    assert 'href="/exit/"' in html and "data-exit-button" in html
    for detail in ("OperationalError", "5432", "refused", "Traceback"):
        assert detail not in html


def test_the_503_page_gives_the_same_numbers_as_the_crisis_page(reader_client):
    """The numbers are written into the template: they must not drift from the content."""
    with database_down():
        html = reader_client.get("/home/").content.decode()
    crisis = CRISIS_PAGE.read_text()
    numbers = re.findall(r"<strong>([\d -]+)</strong>", html)
    assert len(numbers) == 7
    for number in numbers:
        assert number in crisis, number
    assert "findahelpline.com" in html and "findahelpline.com" in crisis


def test_autosave_hears_that_it_may_try_again(reader_client):
    with database_down():
        response = reader_client.post(
            "/journal/answer/p1/", {"text": "Half a thought"}, HTTP_ACCEPT="application/json"
        )
    assert response.status_code == 503
    assert response.json() == {
        "ok": False,
        "retry": True,
        "error": "The site is not answering just now.",
    }


def test_an_answer_posted_without_javascript_is_shown_back_not_lost(reader_client):
    with database_down():
        response = reader_client.post("/journal/answer/p1/", {"text": "What I <b>wrote</b>"})
    assert response.status_code == 503
    html = response.content.decode()
    assert "What you wrote has not been saved yet" in html
    assert "What I &lt;b&gt;wrote&lt;/b&gt;</textarea>" in html


def test_exit_this_page_still_leaves_when_the_database_is_down(reader_client, settings):
    with database_down():
        response = reader_client.get("/exit/")
    assert response.status_code == 302
    assert response.url == settings.EXIT_URL
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert reader_client.cookies[settings.SESSION_COOKIE_NAME].value == ""


def test_the_start_and_safety_pages_need_no_database(db):
    client = Client(raise_request_exception=False)
    with database_down():
        for path in ("/", "/safety/"):
            assert client.get(path).status_code == 200, path


def test_other_server_errors_still_answer_500(db, settings, monkeypatch):
    """Only an unreachable database is a 503; a bug stays a 500 (and is logged as one)."""
    import tests.urls_boom as boom

    def fails(request):
        raise ValueError("a bug")

    settings.ROOT_URLCONF = "tests.urls_boom"
    monkeypatch.setattr(boom, "boom_view", fails)
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_a_database_server_that_never_answers_costs_healthz_the_connect_timeout(silent_port):
    """Prodep's own settings in a fresh process, against a port that accepts and never
    answers: without a connect timeout the health check would hang with the server."""
    script = (
        "import time\n"
        "from django.test import Client\n"
        "started = time.monotonic()\n"
        "status = Client(HTTP_HOST='127.0.0.1').get('/healthz').status_code\n"
        "print(status, round(time.monotonic() - started, 1))\n"
    )
    status, seconds = run_django(
        script,
        DATABASE_URL=f"postgres://prodep@127.0.0.1:{silent_port}/prodep",
        DATABASE_CONNECT_TIMEOUT="2",  # libpq's smallest
    )
    assert status == "503"
    assert float(seconds) < 10


def test_the_next_request_reconnects_after_every_connection_is_cut(
    transactional_db, tmp_path, settings
):
    """PostgreSQL ends every connection (a failover, a restart, an administrator): a running
    server's next request opens a new one instead of failing."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no server connections to cut")
    from bench.servers import Server, http

    client = Client()
    client.force_login(make_user("reader@example.com"))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    headers = {"Cookie": f"sessionid={session}"}
    server = Server(server_env(tmp_path, SECRET_KEY=settings.SECRET_KEY), 1, tmp_path / "log")
    try:
        assert http("GET", server.base + "/home/", headers)[0] == 200
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchone()[0] >= 1  # the server's connection, at least
        status, _, body = http("GET", server.base + "/home/", headers)
        assert status == 200 and b"Your progress" in body
    finally:
        server.stop()
