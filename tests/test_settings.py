"""Start-up refuses unsafe or malformed configuration with one clear line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "PYTEST_VERSION",
            "DEBUG",
            "SECRET_KEY",
            "REFLECTION_KEYS",
            "DATABASE_URL",
            "CACHE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


KEYS = {
    "SECRET_KEY": "k7Qp2vX9mR4tL8wZ3nB6cF1hJ5sD0gY7uE2iO9aK4xV6bN8mC3",
    "REFLECTION_KEYS": "XWG0d3Qkz5wvoN8b0cXq5hVOxC9Qn8x3c3m0R6bZb1w=",
}


def test_production_refuses_to_start_without_secret_key():
    result = run_manage(
        "check", DEBUG="false", REFLECTION_KEYS=KEYS["REFLECTION_KEYS"], SECRET_KEY=""
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith("Configuration error: SECRET_KEY")
    assert "Traceback" not in result.stderr


def test_production_refuses_to_start_without_reflection_keys():
    result = run_manage("check", DEBUG="false", SECRET_KEY=KEYS["SECRET_KEY"], REFLECTION_KEYS="")
    assert result.returncode != 0
    assert "REFLECTION_KEYS" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_database_url_stops_start_up_with_one_line():
    result = run_manage("check", DEBUG="false", DATABASE_URL="not a url at all", **KEYS)
    assert result.returncode != 0
    assert result.stderr.strip().startswith("Configuration error: DATABASE_URL is malformed")
    assert len(result.stderr.strip().splitlines()) == 1


def test_unexpected_boolean_is_refused_not_read_as_false():
    result = run_manage("check", DEBUG="sometimes", **KEYS)
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_a_cache_timeout_that_is_not_a_number_stops_start_up_with_one_line():
    result = run_manage("check", DEBUG="false", CACHE_TIMEOUT="soon", **KEYS)
    assert result.returncode != 0
    assert (
        result.stderr.strip() == "Configuration error: CACHE_TIMEOUT must be a number, not 'soon'"
    )


DEPLOY_CHECK = ("check", "--deploy", "--fail-level", "WARNING")
PRODUCTION = dict(DEBUG="false", ALLOWED_HOSTS="prodep.example.org", **KEYS)


def test_deploy_check_is_clean_with_production_settings():
    result = run_manage(*DEPLOY_CHECK, SITE_URL="https://prodep.example.org", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_asks_for_site_url_in_production():
    """Without SITE_URL, emailed links would follow whatever Host header a request sent."""
    result = run_manage(*DEPLOY_CHECK, **PRODUCTION)
    assert result.returncode != 0
    assert "SITE_URL" in result.stdout + result.stderr


def test_malformed_site_url_is_refused():
    for value in ("prodep.example.org", "ftp://prodep.example.org", "https://x.org/path"):
        result = run_manage("check", DEBUG="false", SITE_URL=value, **KEYS)
        assert result.returncode != 0
        assert "SITE_URL" in result.stderr and "Traceback" not in result.stderr


def test_seed_demo_refuses_without_debug():
    result = run_manage("seed_demo", DEBUG="false", **KEYS)
    assert result.returncode != 0
    assert "DEBUG only" in result.stderr


def test_plain_migrate_then_sync_work_on_a_new_production_database(tmp_path):
    """The README's release steps, with system checks on, on a database with no tables yet."""
    env = dict(DEBUG="false", DATABASE_URL=f"sqlite:///{tmp_path / 'new.sqlite3'}", **KEYS)
    migrate = run_manage("migrate", "--noinput", **env)
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    sync = run_manage("sync_content", **env)
    assert sync.returncode == 0, sync.stderr[-2000:]
    assert "created" in sync.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"REFLECTION_KEYS": f"{KEYS['REFLECTION_KEYS']},not-a-key"},
            "REFLECTION_KEYS: key 2 is not a valid Fernet key",
        ),
        ({"CACHE_URL": "memcached://127.0.0.1:11211"}, "CACHE_URL must be a redis:// URL"),
    ],
)
def test_a_malformed_key_or_cache_url_is_refused_naming_it(env, message):
    result = run_manage("check", DEBUG="false", **{**KEYS, **env})
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr


def _setting(expression: str, **env: str) -> str:
    result = run_manage(
        "shell", "-c", f"from django.conf import settings; print({expression})", **env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]  # after the shell's own greeting


def test_development_prints_mail_to_the_console():
    backend = "settings.MAILERS['default']['BACKEND']"
    assert _setting(backend, DEBUG="true", **KEYS).endswith("console.EmailBackend")
    assert _setting(backend, DEBUG="false", **KEYS).endswith("smtp.EmailBackend")


def test_postgresql_uses_the_health_checked_backend_and_a_connect_timeout():
    url = "postgres://prodep@127.0.0.1:5432/prodep"
    database = "settings.DATABASES['default']"
    engine, timeout = _setting(
        f"{database}['ENGINE'], {database}['OPTIONS']['connect_timeout']",
        DEBUG="false",
        DATABASE_URL=url,
        DATABASE_CONNECT_TIMEOUT="3",
        **KEYS,
    ).split()
    assert (engine, timeout) == ("django.db.backends.postgresql", "3")


def test_a_local_env_file_is_read_without_comments_blanks_or_quotes(tmp_path):
    from prodep.settings import read_dotenv

    dotenv = tmp_path / ".env"
    dotenv.write_text("# keys\n\nSECRET_KEY = 'abc'\nDEBUG=\"true\"\nnot a setting\n")
    assert read_dotenv(dotenv) == {"SECRET_KEY": "abc", "DEBUG": "true"}
    assert read_dotenv(tmp_path / "missing.env") == {}
