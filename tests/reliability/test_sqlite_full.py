"""SQLite on a full disk or a read-only file: a clear 503, no damage, and recovery after.

A test cannot fill the machine's disk, and may run as root, whom ``chmod`` does not stop. So
the two faults are made the way SQLite itself would report them: ``PRAGMA max_page_count``
at the file's current size gives "database or disk is full" (SQLITE_FULL) on the next write
that needs a page, and ``PRAGMA query_only`` gives "attempt to write a readonly database".
``make faults`` fills a real size-limited folder under a running server.
"""

import pytest
from django.db import connection
from django.test import Client

from prodep.journal.models import Reflection
from tests.factories import answer, make_user

LONG_ANSWER = "A long answer that needs new pages in the file. " * 300  # about 15,000 characters


@pytest.fixture
def sqlite(transactional_db):
    """Real commits (no test transaction around them), so a failed write is what a server sees."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL keeps no database file that a test could fill")
    yield
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = OFF")
        cursor.execute("PRAGMA max_page_count = 1073741823")


def pragma(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {sql}")
        row = cursor.fetchone()
    return row[0] if row else None


@pytest.fixture
def reader(sqlite, course):
    user = make_user("reader@example.com")
    answer(user, "p1", "What I saved yesterday")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def autosave(client, text: str):
    return client.post("/journal/answer/p1/", {"text": text}, HTTP_ACCEPT="application/json")


def saved_text() -> str:
    return Reflection.objects.get(prompt__key="p1").text


def disk_full() -> None:
    """No free page left in the file and no new one allowed, as on a full disk."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")  # pages freed by earlier tests would otherwise take the write
    pragma(f"max_page_count = {pragma('page_count')}")


@pytest.mark.parametrize(
    ("fault", "repair"),
    [
        (disk_full, "max_page_count = 1073741823"),
        (lambda: pragma("query_only = ON"), "query_only = OFF"),
    ],
    ids=["disk-full", "read-only"],
)
def test_a_write_that_cannot_happen_answers_503_and_recovers(reader, fault, repair):
    fault()
    response = autosave(reader, LONG_ANSWER)
    assert response.status_code == 503
    assert response.json()["retry"] is True
    page = reader.post("/journal/answer/p1/", {"text": LONG_ANSWER})
    assert page.status_code == 503 and b"Back in a moment" in page.content
    assert saved_text() == "What I saved yesterday"
    assert pragma("integrity_check") == "ok"

    pragma(repair)  # space, or permission, is back: the same process carries on
    assert autosave(reader, LONG_ANSWER).status_code == 200
    assert saved_text() == LONG_ANSWER
    assert pragma("integrity_check") == "ok"
