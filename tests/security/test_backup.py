"""Backup and restore drill on PostgreSQL: pg_dump -Fc, pg_restore into a fresh database.

Runs when the suite runs on PostgreSQL (CI does) and pg_dump is installed; skips otherwise.
"""

import shutil
import subprocess
import uuid

import pytest
from django.db import connection

from prodep import crypto
from prodep.journal.models import Reflection
from tests.factories import answer, make_course, make_user, sync

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" or not shutil.which("pg_dump"),
    reason="the backup drill needs PostgreSQL and pg_dump",
)
SECRETS = [f"Secret number {n}: what I could not say out loud" for n in range(5)]


def pg_args(settings_dict) -> list[str]:
    args = [
        "-h",
        settings_dict.get("HOST") or "127.0.0.1",
        "-p",
        str(settings_dict.get("PORT") or 5432),
        "-U",
        settings_dict.get("USER") or "postgres",
    ]
    return args


def test_dump_holds_no_plaintext_and_a_restore_reads_every_reflection(
    transactional_db, content_dir, tmp_path
):
    make_course(content_dir, lessons=5)
    sync(content_dir)
    reader = make_user()
    for n, secret in enumerate(SECRETS, 1):
        answer(reader, f"p{n}", secret)

    db = connection.settings_dict
    dump = tmp_path / "prodep.dump"
    # -Z 0: no compression, so the check for plaintext below means something.
    subprocess.run(
        ["pg_dump", "-Fc", "-Z", "0", *pg_args(db), "-d", db["NAME"], "-f", str(dump)],
        check=True,
        capture_output=True,
    )
    raw = dump.read_bytes()
    for secret in SECRETS:
        assert secret.encode() not in raw

    fresh = f"prodep_restore_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", *pg_args(db), fresh], check=True, capture_output=True)
    try:
        subprocess.run(
            ["pg_restore", *pg_args(db), "-d", fresh, "--no-owner", str(dump)],
            check=True,
            capture_output=True,
        )
        import psycopg

        with psycopg.connect(
            host=db.get("HOST") or "127.0.0.1",
            port=db.get("PORT") or 5432,
            user=db.get("USER") or "postgres",
            dbname=fresh,
        ) as restored:
            rows = restored.execute(
                f"SELECT ciphertext FROM {Reflection._meta.db_table} ORDER BY id"
            ).fetchall()
        assert [crypto.decrypt(ciphertext) for (ciphertext,) in rows] == SECRETS
    finally:
        subprocess.run(["dropdb", *pg_args(db), "--if-exists", fresh], capture_output=True)
