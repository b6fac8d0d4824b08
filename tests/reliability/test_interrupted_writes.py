"""A process killed in the middle of a write (SIGKILL: no cleanup at all) leaves no half of it.

A content sync is applied whole or not at all; an answer is the old text or the new one. Each
write runs in a child process (``tests/reliability/child.py``) that stops inside its
transaction, once part of its rows are written, and is killed there. Then the same write runs
again, to show nothing was left locked or broken. On SQLite the database is a file of the
test's own; on PostgreSQL it is the test database.
"""

import json
import os
import signal
import subprocess
import sys

import pytest
from django.db import connection

from tests.factories import lesson_file, make_course, write
from tests.reliability.child import PAUSED
from tests.reliability.conftest import ROOT
from tests.servers import manage, shared_database_url


@pytest.fixture
def database_url(request, tmp_path):
    """A database that child processes can open, migrated."""
    if connection.vendor == "postgresql":
        request.getfixturevalue("transactional_db")
        return shared_database_url()
    url = f"sqlite:///{tmp_path / 'prodep.sqlite3'}"
    manage({**os.environ, "DATABASE_URL": url}, "migrate", "--skip-checks", "-v0")
    return url


@pytest.fixture
def child(database_url, content_dir):
    """Run a child command to the end (its output), or kill it where it pauses (``--pause``)."""
    env = {**os.environ, "DATABASE_URL": database_url, "CONTENT_DIR": str(content_dir)}
    command = [sys.executable, "-m", "tests.reliability.child"]

    def _run(*args: str) -> str:
        if "--pause" not in args:
            done = subprocess.run(
                [*command, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
            )
            assert done.returncode == 0, done.stderr
            return done.stdout
        process = subprocess.Popen(
            [*command, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        try:
            assert process.stdout.readline().strip() == PAUSED
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.kill()
            process.wait(timeout=10)
        assert process.returncode == -signal.SIGKILL
        return ""

    return _run


def test_a_sync_killed_inside_its_transaction_leaves_the_old_content_whole(child, content_dir):
    make_course(content_dir, lessons=3)
    before = json.loads(child("sync"))
    assert before == {"lesson-1": "Lesson 1", "lesson-2": "Lesson 2", "lesson-3": "Lesson 3"}
    for n in (1, 2, 3, 4):  # three edited lessons and a new one
        write(content_dir, f"01-first/{n:02d}-lesson-{n}.md", lesson_file(f"Lesson {n}, v2"))

    child("sync", "--pause")  # killed after writing two of the four lessons
    assert json.loads(child("lessons")) == before

    # Nothing was left locked or half-done: the next sync applies everything.
    assert json.loads(child("sync")) == {f"lesson-{n}": f"Lesson {n}, v2" for n in (1, 2, 3, 4)}


def test_an_autosave_killed_inside_its_transaction_leaves_the_old_text(child, content_dir):
    make_course(content_dir, lessons=1)
    child("sync")
    reader = ("reader@example.com", "p1")
    assert (
        json.loads(child("answer", *reader, "The text I saved first")) == "The text I saved first"
    )

    child("answer", *reader, "A newer text, never committed", "--pause")
    assert json.loads(child("text", *reader)) == "The text I saved first"

    assert json.loads(child("answer", *reader, "The newer text, saved")) == "The newer text, saved"
