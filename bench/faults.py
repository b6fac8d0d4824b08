"""The fault harness (``make faults``): the faults a real deployment meets, under steady load.

Starts Prodep as in production (gunicorn, 2 sync workers, production settings) on a private
PostgreSQL cluster and a private Redis that it may stop, restart and freeze, drives a steady
mixed load (``wrk`` reading the lesson, dashboard, journal, roster and client pages, and
autosave writers that remember every save the server acknowledged), injects each fault in
turn, and prints a table: requests during the fault, non-2xx, 5xx (and how many of them were
500s, which must be none), requests with no answer, data lost (every answer written is read
back from the database and must hold at least the last acknowledged text), and the time to
recover. Then a soak of mixed traffic (10 minutes by default) with worker memory and open
connections at its start and end, and SQLite on a size-limited folder that fills up. Writes
``bench/results/faults.json``. See bench/README.md and docs/operations.md.

Never touches the machine's own PostgreSQL or Redis: both are private instances on their own
ports in a temporary folder, removed at the end.

Usage: .venv/bin/python bench/faults.py [--soak 600] [--hold 6] [--only cache-stopped,...]
       [--port N] [--redis-port N] [--pg-port N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (  # noqa: E402 - the repository root must be importable first
    PY,
    RESULTS,
    ROOT,
    WRK_DIR,
    ensure_wrk,
    log,
    machine,
    run,
    wrk_command,
    wrk_result,
)
from bench.servers import (  # noqa: E402
    Server,
    free_port,
    http,
    login,
    production_env,
    set_cookies,
)
from bench.sync_content import generate  # noqa: E402

LEAD = 2.0  # seconds of load before each fault
TRAIL = 4.0  # seconds of load after it ends
DATABASE = "prodep_faults"
WRITERS = 4
ROWS_PER_WRITER = 4
SYNC_APP_NAME = "prodep-faults-sync"  # how the killed sync's connection is found
SYNC_MARKER = "Faults harness edit"
GENERATED_LESSONS = 60  # make the killed sync's transaction last long enough to land in
NOT_SENT = b"could not send an email just now"
NOT_EMAILED = b"could not email the invitation just now"


# Private services ---------------------------------------------------------------------------------


class PrivateRedis:
    """A Redis server of the harness's own, so it can be stopped and frozen."""

    def __init__(self, port: int, log_path: Path):
        self.port = port
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.binary = shutil.which("redis-server")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while self.clients() is None:
            if time.monotonic() > deadline:
                sys.exit(f"redis-server did not start; see {self.log_path}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # a frozen server cannot stop otherwise
            self.process.kill()
            self.process.wait()

    def freeze(self) -> None:
        """Hung: connections are accepted by the kernel, and never answered."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def clients(self) -> int | None:
        import redis

        try:
            info = redis.Redis(port=self.port, socket_timeout=1).info("clients")
        except redis.RedisError:
            return None
        return info["connected_clients"]


def postgres_bindir() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True).stdout.strip()
        if (Path(out) / "initdb").exists():
            return Path(out)
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return versions[0].parent if versions else None


class PrivatePostgres:
    """A PostgreSQL cluster in a temporary folder, on its own port, that may be stopped.

    PostgreSQL refuses to run as root: as root, the cluster belongs to the ``postgres`` user.
    """

    def __init__(self, port: int):
        self.port = port
        self.bindir = postgres_bindir()
        self.owner = "postgres" if os.geteuid() == 0 else None
        self.root = Path(tempfile.mkdtemp(prefix="prodep-faults-pg-"))
        self.data = self.root / "data"
        self.log_path = self.root / "postgres.log"
        self.started = False

    def _as_owner(self, *command: str) -> None:
        if self.owner:
            command = ("runuser", "-u", self.owner, "--", *command)
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode:
            raise RuntimeError(f"{' '.join(command)}: {result.stdout}{result.stderr}")

    def init(self) -> None:
        if self.owner:
            shutil.chown(self.root, self.owner, self.owner)
        self._as_owner(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust"
        )

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._as_owner(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log_path),
            "-w",
            "-o",
            options,
            *extra,
            action,
        )

    def start(self) -> None:
        self._pg_ctl("start")
        self.started = True

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast")
        self.started = False

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def cleanup(self) -> None:
        if self.started:
            with suppress(Exception):
                self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def sql(url: str, query: str, params=()) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


# Load ---------------------------------------------------------------------------------------------


class Writers:
    """Autosave from a few readers, each writer on its own answers, one save after another.

    Each save's text carries a sequence number; the writer remembers the last number the
    server acknowledged (200 and ``ok``) for every answer. Reading the answers back then tells
    whether an acknowledged save was lost: the stored number must be at least that one.
    """

    def __init__(self, base: str, readers: list[dict], keys: list[str]):
        self.base = base
        self.rows = []  # (email, key, cookie, csrf)
        for w in range(WRITERS):
            for r in range(ROWS_PER_WRITER):
                reader = readers[(w * ROWS_PER_WRITER + r) // 2]
                key = keys[(w * ROWS_PER_WRITER + r) % 2]
                self.rows.append((reader["email"], key, reader["cookie"], reader["csrf"]))
        self.acked = {i: -1 for i in range(len(self.rows))}
        self.lock = threading.Lock()
        self.counts = self._empty()
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._write, args=(w,), daemon=True) for w in range(WRITERS)
        ]

    @staticmethod
    def _empty() -> dict:
        return {"requests": 0, "non2xx": 0, "5xx": 0, "500": 0, "no_answer": 0}

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def take_counts(self) -> dict:
        with self.lock:
            counts, self.counts = self.counts, self._empty()
        return counts

    def _write(self, writer: int) -> None:
        rows = range(writer * ROWS_PER_WRITER, (writer + 1) * ROWS_PER_WRITER)
        seq = 0
        while not self.stopping.is_set():
            for i in rows:
                email, key, cookie, csrf = self.rows[i]
                headers = {"Cookie": cookie, "X-CSRFToken": csrf, "Accept": "application/json"}
                data = {"version": "", "text": f"faults row {i} #{seq}"}
                try:
                    status, _, body = http(
                        "POST", f"{self.base}/journal/answer/{key}/", headers, data
                    )
                except OSError:
                    status, body = None, b""
                with self.lock:
                    self.counts["requests"] += 1
                    if status is None:
                        self.counts["no_answer"] += 1
                    elif status != 200:
                        self.counts["non2xx"] += 1
                        self.counts["5xx"] += status >= 500
                        self.counts["500"] += status == 500
                    elif json.loads(body).get("ok"):
                        self.acked[i] = seq
            seq += 1
            time.sleep(0.05)

    def lost(self, read_back) -> list[str]:
        """Answers whose stored text is older than the last save acknowledged before
        ``read_back()`` read them (a save acknowledged while it reads may be newer)."""
        lost = []
        with self.lock:
            acked = dict(self.acked)
        stored = read_back()
        for i, (email, key, _, _) in enumerate(self.rows):
            if acked[i] < 0:
                continue
            match = re.search(r"#(\d+)$", stored.get((email, key), ""))
            if not match or int(match.group(1)) < acked[i]:
                lost.append(f"{email} {key}: acknowledged #{acked[i]}, stored {match and match[0]}")
        return lost


def decrypt_answers(rows, keys: str) -> dict[tuple[str, str], str]:
    from cryptography.fernet import Fernet, MultiFernet

    fernet = MultiFernet([Fernet(k.encode()) for k in keys.split(",")])
    return {(email, key): fernet.decrypt(token.encode()).decode() for email, key, token in rows}


ANSWERS_SQL = (
    "SELECT u.email, p.key, r.ciphertext FROM journal_reflection r"
    " JOIN accounts_user u ON u.id = r.user_id JOIN lessons_prompt p ON p.id = r.prompt_id"
    " WHERE u.email LIKE 'autosave-%%'"
)


# The harness --------------------------------------------------------------------------------------


class Harness:
    def __init__(self, args, tmp: Path):
        self.args = args
        self.tmp = tmp
        self.rows: list[dict] = []
        self.results: dict = {"faults": self.rows}
        self.server: Server | None = None
        self.writers: Writers | None = None
        self.closed_port = free_port()  # the mail server that is not there

    # Set-up ---------------------------------------------------------------------------------

    def prepare_database(self, env: dict) -> dict:
        """Migrate, load the minimal bench data set, collect static files, sign users in."""
        manage = [PY, "manage.py"]
        run([*manage, "migrate", "--noinput", "--skip-checks", "-v0"], env, "migrate")
        run([*manage, "bench_data", "--minimal", "--yes-this-is-a-bench-db"], env, "bench_data")
        if not Path(env["BENCH_STATIC_ROOT"]).exists():
            run([*manage, "collectstatic", "--noinput", "-v0"], env, "collectstatic")
        out = self.tmp / f"prepared-{len(list(self.tmp.glob('prepared-*')))}.json"
        run([PY, "-m", "bench.prepare", str(out)], env, "sign-in and cookies")
        return json.loads(out.read_text())

    def pages_file(self, data: dict) -> Path:
        lines = []
        for name in ("lesson", "dashboard", "journal", "roster", "client"):
            lines.append(f"{data['paths'][name]}\t{data['cookies'][data['who'][name]]}")
        path = self.tmp / "pages.tsv"
        path.write_text("\n".join(lines) + "\n")
        return path

    # Measuring -------------------------------------------------------------------------------

    def start_wrk(self, seconds: float):
        return subprocess.Popen(
            wrk_command(self.server.base + "/", seconds, 8, "mixed.lua", args=[str(self.pages)]),
            cwd=WRK_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    @staticmethod
    def finish_wrk(process) -> dict:
        stdout, stderr = process.communicate(timeout=900)
        return wrk_result(stdout, stderr, 8)

    def probe(self) -> bool:
        """A signed-in reader opens the dashboard."""
        try:
            status, _, body = http("GET", self.server.base + "/home/", {"Cookie": self.cookie})
        except OSError:
            return False
        return status == 200 and b"Your progress" in body

    def recovered_after(self, since: float, limit: float = 120) -> float | None:
        """Seconds from ``since`` until three probes in a row succeed (the first of them)."""
        streak_started, streak = None, 0
        while time.monotonic() - since < limit:
            now = time.monotonic()
            if self.probe():
                streak_started = streak_started or now
                streak += 1
                if streak == 3:
                    return round(max(0.0, streak_started - since), 1)
            else:
                streak_started, streak = None, 0
            time.sleep(0.1)
        return None

    def postgres_answers(self) -> dict:
        return decrypt_answers(sql(self.db_url, ANSWERS_SQL), self.env["REFLECTION_KEYS"])

    def tally(self, load, mark: int) -> dict:
        """What the reading (wrk) and the writing saw since the load started, every answer
        read back, and what the server logged."""
        reading = self.finish_wrk(load)
        writing = self.writers.take_counts()
        lost = self.writers.lost(self.read_answers)
        text = self.log_since(mark)
        statuses = {int(k): v for k, v in reading["statuses"].items()}
        return {
            "requests": reading["requests"] + writing["requests"],
            "non2xx": reading["non2xx"] + writing["non2xx"],
            "5xx": sum(v for k, v in statuses.items() if k >= 500) + writing["5xx"],
            "500": statuses.get(500, 0) + writing["500"],
            "no_answer": reading["socket_errors"] + reading["timeouts"] + writing["no_answer"],
            "data_lost": len(lost),
            "lost": lost[:10],
            "reading": reading,
            "writing": writing,
            "internal_server_errors_logged": text.count("Internal Server Error:"),
            "cache_warnings_logged": text.count("The shared cache is not answering"),
        }

    def log_mark(self) -> int:
        return self.server.log_path.stat().st_size

    def log_since(self, mark: int) -> str:
        with open(self.server.log_path, "rb") as f:
            f.seek(mark)
            return f.read().decode(errors="replace")

    def phase(self, name: str, what: str, inject, restore=None, extra=None) -> dict | None:
        """Load, the fault (held for --hold seconds when it has a ``restore``), recovery, and
        the read-back of every answer written."""
        if self.args.only and name not in self.args.only:
            return None
        log(f"\n== {name}: {what}")
        self.extra = {}  # counts a fault adds to its row (actions outside the load)
        hold = self.args.hold if restore else 0
        load = self.start_wrk(LEAD + hold + TRAIL)
        self.writers.take_counts()
        mark = self.log_mark()
        time.sleep(LEAD)
        notes = []
        started = time.monotonic()
        try:
            notes += inject() or []
            if restore:
                time.sleep(max(0.0, hold - (time.monotonic() - started)))
        finally:
            if restore:
                notes += restore() or []
        ended = time.monotonic()
        recovery = self.recovered_after(ended)
        if extra:
            notes += extra() or []
        row = {
            "fault": name,
            "what": what,
            "seconds": round(ended - started, 1),
            **self.tally(load, mark),
            "recovery_s": recovery,
            "notes": notes,
        }
        for key, count in self.extra.items():
            row[key] += count
        self.rows.append(row)
        log(
            f"  requests {row['requests']}, non-2xx {row['non2xx']}, 5xx {row['5xx']} "
            f"(500: {row['500']}), no answer {row['no_answer']}, data lost {row['data_lost']}, "
            f"recovered in {recovery} s; reading p99 {row['reading']['p99_ms']} ms"
        )
        for note in notes:
            log(f"  - {note}")
        return row

    # The faults ------------------------------------------------------------------------------

    def sign_ins(self) -> list[str]:
        """Full sign-ins through the form while the fault lasts: each must reach the site."""
        statuses = [login(self.server.base, self.emails["scaleout"], self.password)[0]]
        statuses.append(login(self.server.base, self.emails["scaleout"], self.password)[0])
        return [f"sign-in through the form during the fault answered {statuses}"]

    def cache_stopped(self):
        self.redis.stop()
        return self.sign_ins()

    def cache_restarted(self):
        self.redis.start()
        return []

    def cache_frozen(self):
        self.redis.freeze()
        started = time.monotonic()
        notes = self.sign_ins()
        notes.append(f"two sign-ins took {time.monotonic() - started:.1f} s with Redis frozen")
        return notes

    def cache_thawed(self):
        self.redis.thaw()
        return []

    def cut_connections(self):
        (count,) = sql(
            self.pg.url(),
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s",
            [DATABASE],
        )[0]
        return [f"{count} connections terminated"]

    def restart_database(self):
        started = time.monotonic()
        self.pg.restart()
        return [f"pg_ctl restart -m fast took {time.monotonic() - started:.1f} s"]

    def stop_database(self):
        self.pg.stop()
        status, _, body = http("GET", self.server.base + "/healthz")
        deep = http("GET", self.server.base + "/healthz?deep=1")
        return [
            f"/healthz answered {status} {body.decode()}",
            f"/healthz?deep=1 answered {deep[0]} {deep[2].decode()}",
        ]

    def start_database(self):
        self.pg.start()
        return []

    def kill_worker(self):
        workers = self.server.workers()
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            alive = [w for w in self.server.workers() if w != workers[0]]
            if len(alive) >= len(workers):
                break
            time.sleep(0.1)
        return [f"worker {workers[0]} killed with SIGKILL; gunicorn now runs {alive}"]

    def mail_actions(self):
        """Sign-up, password reset and invitation with the mail server down."""
        notes, seen = [], []
        for n in range(3):
            seen.append(("sign-up", *self.sign_up(f"faults-signup-{n}@bench.invalid")))
            seen.append(("reset", *self.reset(self.emails["scaleout"])))
            seen.append(("invitation", *self.invite(f"faults-invitee-{n}@bench.invalid")))
        for action in ("sign-up", "reset", "invitation"):
            results = [(s, told) for a, s, told in seen if a == action]
            notes.append(
                f"{action}: answered {[s for s, _ in results]}, told the email could not be sent "
                f"{sum(told for _, told in results)} of {len(results)} times"
            )
        accounts = sql(
            self.db_url, "SELECT count(*) FROM accounts_user WHERE email LIKE 'faults-signup-%%'"
        )[0][0]
        invitations = sql(
            self.db_url,
            "SELECT count(*) FROM clinic_invitation WHERE email LIKE 'faults-invitee-%%'",
        )[0][0]
        notes.append(f"{accounts} of 3 new accounts and {invitations} of 3 invitations stored")
        # Counted in the row: an action that answered 5xx, an account or invitation missing.
        self.extra = {"5xx": sum(s >= 500 for _, s, _ in seen)}
        self.extra["data_lost"] = (3 - accounts) + (3 - invitations)
        deep = http("GET", self.server.base + "/healthz?deep=1")
        notes.append(f"/healthz?deep=1 answered {deep[0]} {deep[2].decode()}")
        return notes

    def form_post(self, path: str, data: dict, cookie: str = ""):
        """GET a form for its CSRF token, POST it, and GET where it leads; (status, body)."""
        status, headers, body = http("GET", self.server.base + path, {"Cookie": cookie})
        cookies = dict(c.split("=", 1) for c in cookie.split("; ") if "=" in c)
        cookies.update(set_cookies(headers))
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        jar = "; ".join(f"{k}={v}" for k, v in cookies.items())
        status, headers, body = http(
            "POST", self.server.base + path, {"Cookie": jar}, {**data, "csrfmiddlewaretoken": token}
        )
        if status == 302:
            cookies.update(set_cookies(headers))
            jar = "; ".join(f"{k}={v}" for k, v in cookies.items())
            follow = urllib.parse.urljoin(self.server.base + path, headers["Location"])
            _, _, body = http("GET", follow, {"Cookie": jar})
        return status, body

    def sign_up(self, email: str):
        password = "a-long-password-2026"
        form = {"email": email, "password1": password, "password2": password}
        status, body = self.form_post("/accounts/signup/", form)
        return status, NOT_SENT in body

    def reset(self, email: str):
        status, body = self.form_post("/accounts/password/reset/", {"email": email})
        return status, NOT_SENT in body

    def invite(self, email: str):
        status, body = self.form_post(
            "/clinic/invitations/", {"email": email, "message": ""}, self.therapist_cookie
        )
        return status, NOT_EMAILED in body and b'id="invite-url"' in body

    def killed_sync(self):
        """Kill sync_content with SIGKILL while its transaction is open, check that nothing of
        it was applied, then run it to the end and check that all of it was."""
        content = self.tmp / "content-edited"
        shutil.rmtree(content, ignore_errors=True)
        shutil.copytree(ROOT / "content", content)
        lessons = [p for p in content.glob("[0-9]*/[0-9]*.md")]
        for path in lessons:
            path.write_text(path.read_text() + f"\n\n{SYNC_MARKER}.\n")
        generate(content, GENERATED_LESSONS, first_module=80)
        env = {**self.env, "PGAPPNAME": SYNC_APP_NAME}
        command = [PY, "manage.py", "sync_content", "--path", str(content)]
        sync = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started, inside = time.monotonic(), False
        while sync.poll() is None and time.monotonic() - started < 120:
            rows = sql(
                self.db_url,
                "SELECT backend_xid IS NOT NULL FROM pg_stat_activity WHERE application_name = %s",
                [SYNC_APP_NAME],
            )
            if rows and rows[0][0]:
                time.sleep(random.uniform(0.05, 0.3))  # somewhere in the middle of the writes
                inside = sync.poll() is None
                break
            time.sleep(0.02)
        with suppress(ProcessLookupError):
            os.killpg(sync.pid, signal.SIGKILL)
        sync.wait()
        after_kill = self.sync_state()
        rerun = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True)
        after_rerun = self.sync_state()
        whole = {"changed": len(lessons), "generated": GENERATED_LESSONS}
        nothing = {"changed": 0, "generated": 0}
        # A partial sync, after the kill or after the run to the end, is data lost.
        self.extra = {"data_lost": (after_kill not in (whole, nothing)) + (after_rerun != whole)}
        original = [PY, "manage.py", "sync_content"]
        subprocess.run(original, cwd=ROOT, env=self.env, capture_output=True, check=True)
        return [
            f"killed {'inside' if inside else 'after the end of'} its transaction after "
            f"{time.monotonic() - started:.1f} s (exit {sync.returncode})",
            f"after the kill: {after_kill['changed']} of {len(lessons)} edited lessons and "
            f"{after_kill['generated']} of {GENERATED_LESSONS} new ones in the database",
            f"run again: {rerun.stdout.strip()[-90:]}; then {after_rerun['changed']} and "
            f"{after_rerun['generated']}",
        ]

    def sync_state(self) -> dict:
        changed, generated = sql(
            self.db_url,
            "SELECT count(*) FILTER (WHERE html LIKE %s AND is_live),"
            " count(*) FILTER (WHERE slug LIKE 'lesson-8%%' AND is_live) FROM lessons_lesson",
            [f"%{SYNC_MARKER}%"],
        )[0]
        return {"changed": changed, "generated": generated}

    # Runs ------------------------------------------------------------------------------------

    def postgres_and_redis(self) -> None:
        self.redis = PrivateRedis(self.args.redis_port or free_port(), self.tmp / "redis.log")
        if not self.redis.binary:
            sys.exit("redis-server is needed (Debian: apt-get install redis-server).")
        self.pg = PrivatePostgres(self.args.pg_port or free_port())
        if self.pg.bindir is None:
            sys.exit(
                "PostgreSQL's initdb and pg_ctl are needed (Debian: apt-get install postgresql)."
            )
        log("== set-up: a private PostgreSQL cluster and Redis, the minimal bench data set")
        try:
            started = time.perf_counter()
            self.pg.init()
            self.pg.start()
            sql(self.pg.url(), f'CREATE DATABASE "{DATABASE}"')
            took = time.perf_counter() - started
            log(f"  private PostgreSQL on port {self.pg.port}: {took:.1f} s")
            self.redis.start()
            log(f"  private Redis on port {self.redis.port}")
            self.db_url = self.pg.url(DATABASE)
            self.read_answers = self.postgres_answers
            self.env = production_env(self.tmp / "static")
            self.env.update(
                DATABASE_URL=self.db_url,
                CACHE_URL=self.redis.url,
                EMAIL_HOST="127.0.0.1",
                EMAIL_PORT=str(self.closed_port),
                EMAIL_USE_TLS="false",
            )
            data = self.prepare_database(self.env)
            self.with_server(data, self.env, "gunicorn-postgresql.log", self.postgres_faults)
        finally:
            self.redis.stop()
            self.pg.cleanup()

    def with_server(self, data: dict, env: dict, log_name: str, body) -> None:
        self.pages = self.pages_file(data)
        self.cookie = data["cookies"]["reader"]
        self.therapist_cookie = data["cookies"]["therapist"]
        self.emails, self.password = data["emails"], data["password"]
        self.server = Server(env, 2, self.tmp / log_name, port=self.args.port)
        self.writers = Writers(self.server.base, data["autosave"], data["prompt_keys"])
        self.writers.start()
        try:
            body()
        finally:
            self.writers.stop()
            self.server.stop()

    def postgres_faults(self) -> None:
        self.phase(
            "cache stopped",
            "the Redis server is killed, and started again after the hold",
            self.cache_stopped,
            self.cache_restarted,
        )
        self.phase(
            "cache hung",
            "the Redis process is frozen (SIGSTOP): connections open, no answer",
            self.cache_frozen,
            self.cache_thawed,
        )
        self.phase(
            "database connections cut",
            "pg_terminate_backend on every connection of the app",
            self.cut_connections,
        )
        self.phase("database restarted", "pg_ctl restart -m fast under load", self.restart_database)
        self.phase(
            "database down",
            "PostgreSQL stopped, and started again after the hold",
            self.stop_database,
            self.start_database,
        )
        self.phase(
            "worker killed",
            "SIGKILL to a gunicorn worker during reading and autosave",
            self.kill_worker,
        )
        self.phase(
            "mail server down",
            "sign-up, password reset and invitation x3, SMTP port closed",
            self.mail_actions,
        )
        self.phase(
            "sync_content killed",
            f"SIGKILL inside the sync of {GENERATED_LESSONS} new and every edited lesson",
            self.killed_sync,
        )
        if self.args.soak and (not self.args.only or "soak" in self.args.only):
            self.soak()

    def soak(self) -> None:
        """Steady mixed traffic; memory and open connections sampled every 30 s."""
        seconds = self.args.soak
        log(f"\n== soak: {seconds} s of mixed traffic (reading, journal, roster, autosave)")
        self.writers.take_counts()
        mark = self.log_mark()
        load = self.start_wrk(seconds)
        samples = []
        started = time.monotonic()
        while True:
            samples.append(self.sample(round(time.monotonic() - started)))
            if time.monotonic() - started >= seconds:
                break
            time.sleep(min(30, max(0.0, seconds - (time.monotonic() - started))))
        first, last = samples[0], samples[-1]
        soak = {"fault": f"soak, {seconds / 60:.0f} min", "seconds": seconds}
        soak.update(self.tally(load, mark), start=first, end=last, samples=samples)
        self.results["soak"] = soak
        log(
            f"  {soak['requests']} requests ({soak['reading']['rps']} reads/s), non-2xx "
            f"{soak['non2xx']}, no answer {soak['no_answer']}, data lost {soak['data_lost']}"
        )
        log(f"  start: {first}\n  end:   {last}")

    def sample(self, at: int) -> dict:
        workers = self.server.workers()
        fds = []
        for pid in workers:
            with suppress(OSError):
                fds.append(len(os.listdir(f"/proc/{pid}/fd")))
        database = sql(
            self.pg.url(), "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [DATABASE]
        )[0][0]
        return {
            "at_s": at,
            "worker_rss_mb": self.server.rss_mb(),
            "worker_open_files": fds,
            "database_connections": database,
            "redis_clients": self.redis.clients(),
        }

    def sqlite_full(self) -> None:
        """SQLite in a size-limited folder (tmpfs, as root) that fills up; else read-only."""
        if self.args.only and "sqlite disk full" not in self.args.only:
            return
        folder = self.tmp / "sqlite-fs"
        folder.mkdir()
        mounted = False
        if os.geteuid() == 0:
            mounted = (
                subprocess.run(
                    ["mount", "-t", "tmpfs", "-o", "size=128m", "tmpfs", str(folder)]
                ).returncode
                == 0
            )
        mode = "tmpfs" if mounted else "read-only"
        self.results["sqlite_mode"] = mode
        log(f"\n== set-up: SQLite in {'a 128 MB tmpfs' if mounted else 'a folder made read-only'}")
        try:
            self.db_path = folder / "prodep.sqlite3"
            env = production_env(self.tmp / "static")
            env.update(DATABASE_URL=f"sqlite:///{self.db_path}", CACHE_URL="")
            self.env = env
            data = self.prepare_database(env)
            inject, restore = (
                (self.fill_disk, self.free_disk) if mounted else (self.read_only, self.writable)
            )
            self.read_answers = self.sqlite_answers
            self.with_server(
                data,
                env,
                "gunicorn-sqlite.log",
                lambda: self.phase(
                    "sqlite disk full" if mounted else "sqlite read-only",
                    "the database's folder fills up, and is freed after the hold"
                    if mounted
                    else "the database file and folder made read-only, workers restarted",
                    inject,
                    restore,
                    extra=self.integrity,
                ),
            )
        finally:
            if mounted:
                subprocess.run(["umount", "-l", str(folder)])

    def fill_disk(self):
        # An emptied write-ahead log: the next writes need new space, as on a disk that fills
        # while the site runs (a log already grown would be reused without asking for any).
        with sqlite3.connect(self.db_path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        filled = 0
        with open(self.db_path.parent / "filler", "wb", buffering=0) as f:
            for block in (2**20, 2**12):  # a megabyte at a time, then a page at a time
                with suppress(OSError):
                    while True:
                        filled += f.write(b"\0" * block)
        left = os.statvfs(self.db_path.parent)
        return [f"filled {filled // 2**20} MB; {left.f_bavail * left.f_frsize} bytes left"]

    def free_disk(self):
        (self.db_path.parent / "filler").unlink()
        return []

    def read_only(self):
        self.db_path.chmod(0o444)
        self.db_path.parent.chmod(0o555)
        self.server.process.send_signal(signal.SIGHUP)  # new workers open the file read-only
        return ["file 0444, folder 0555, workers restarted"]

    def writable(self):
        self.db_path.parent.chmod(0o755)
        self.db_path.chmod(0o644)
        self.server.process.send_signal(signal.SIGHUP)
        return []

    def integrity(self):
        with sqlite3.connect(self.db_path) as conn:
            (result,) = conn.execute("PRAGMA integrity_check").fetchone()
        self.results["sqlite_integrity_check"] = result
        return [f"PRAGMA integrity_check after: {result}"]

    def sqlite_answers(self) -> dict:
        with sqlite3.connect(self.db_path) as conn:
            rows = conn.execute(ANSWERS_SQL.replace("%%", "%")).fetchall()
        return decrypt_answers(rows, self.env["REFLECTION_KEYS"])


# Report ------------------------------------------------------------------------------------------


def table(results: dict) -> str:
    rows = [
        "| fault | requests | non-2xx | 5xx | of which 500 | no answer | data lost | recovery s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    soak = [results["soak"]] if results.get("soak") else []
    for r in results["faults"] + soak:
        recovery = "-" if r.get("recovery_s") is None else f"{r['recovery_s']:.1f}"
        rows.append(
            f"| {r['fault']} | {r['requests']:,} | {r['non2xx']:,} | {r['5xx']:,} | {r['500']} | "
            f"{r['no_answer']} | {r['data_lost']} | {recovery} |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soak", type=int, default=600, help="seconds of soak (0: none)")
    parser.add_argument("--hold", type=float, default=6, help="seconds each lasting fault lasts")
    parser.add_argument("--only", type=lambda s: [x.strip() for x in s.split(",")], default=[])
    parser.add_argument("--port", type=int, help="the app server's port (default: a free one)")
    parser.add_argument("--redis-port", type=int, help="the private Redis's port")
    parser.add_argument("--pg-port", type=int, help="the private PostgreSQL's port")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    started = time.perf_counter()
    ensure_wrk()
    RESULTS.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="prodep-faults-"))
    harness = Harness(args, tmp)
    results = harness.results
    results["machine"] = machine()
    results["config"] = {
        "workers": 2,
        "worker_class": "sync",
        "wrk_connections": 8,
        "autosave_writers": WRITERS,
        "answers_written": WRITERS * ROWS_PER_WRITER,
        "hold_s": args.hold,
        "soak_s": args.soak,
        "cache_timeout_s": 0.25,
    }
    try:
        harness.postgres_and_redis()
        harness.sqlite_full()
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    results["run_seconds"] = round(time.perf_counter() - started)
    results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    log("\n" + table(results))
    (RESULTS / "faults.json").write_text(json.dumps(results, indent=2) + "\n")
    log(f"\nWrote bench/results/faults.json in {results['run_seconds']} s.")


if __name__ == "__main__":
    main()
