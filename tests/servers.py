"""Real app servers for the tests that need one: gunicorn with production settings, run by
``bench.servers.Server``, on the test database (PostgreSQL only: the SQLite test database lives in
this process's memory)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def shared_database_url() -> str:
    """The URL of the PostgreSQL test database, for another process."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def server_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Production settings on the test database, with static files collected under tmp_path."""
    from bench.servers import production_env

    env = production_env(tmp_path / "static")
    env.update(DATABASE_URL=shared_database_url(), **extra)
    manage(env, "collectstatic", "--noinput", "-v0")
    return env


def manage(env: dict[str, str], *command: str) -> None:
    """``python manage.py COMMAND`` in another process, with ``env`` as its environment."""
    subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=120
    )
