"""Each page's cost inside one process, without HTTP or wrk: what `make bench` cannot separate.

Builds a minimal bench database (curriculum and endpoint users) in a temporary SQLite file,
signs the bench users in as bench/prepare.py does, then requests each page through Django's
full handler and middleware stack many times and prints milliseconds per request, the ratio to
the anonymous floor, and queries per request. ``--profile PAGE`` prints the top costs of one
page (cProfile, cumulative). Figures are for comparing two versions of the code on one machine.

``--areas`` prints each page's top five costs by area (template engine, query building, ...).

Usage: .venv/bin/python bench/inprocess.py [--repeat 300] [--profile floor | --areas]
       [--database-url postgres://postgres@127.0.0.1:5432/prodep_inprocess]
"""

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.servers import production_env  # noqa: E402 - the repository root must be importable first

# Where a page's time goes, by the file a profiled function is in (first match wins).
AREAS = [
    ("measurement", ("django/test/",)),  # the test client itself: left out of the shares
    (
        "template engine",
        (
            "django/template/",
            "templatetags/",
            "utils/html",
            "safestring",
            "html/__init__",
            "utils/formats",
            "numberformat",
            "dateformat",
        ),
    ),
    ("query building", ("django/db/models/sql/", "django/db/models/expressions", "lookups")),
    ("model instances and querysets", ("django/db/models/",)),
    ("database driver", ("sqlite3", "psycopg", "django/db/backends/")),
    ("decryption", ("cryptography", "fernet", "prodep/crypto", "journal/models")),
    ("sessions, signing, CSRF", ("sessions/", "signing", "csrf", "hashlib", "hmac")),
    ("URL reversing", ("django/urls/",)),
    ("lazy objects and settings", ("utils/functional",)),
    (
        "request handling and middleware",
        (
            "core/handlers",
            "middleware",
            "django/http",
            "allauth",
            "whitenoise",
            "contrib/auth",
            "messages",
        ),
    ),
    ("Prodep's own code", ("/prodep/", "/lessons/")),
    ("the rest of Django and Python", ("",)),
]

PAGES = ["floor (anonymous)", "floor", "lesson", "dashboard", "journal", "roster", "client"]


def configure(folder: Path, database_url: str) -> None:
    """The settings ``make bench`` gives gunicorn, in this process."""
    os.environ.update(production_env(folder / "static"))
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.pop("PYTEST_VERSION", None)


def build() -> dict:
    """The database, the signed-in clients and each page's path."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.test import Client

    from bench.data import ENDPOINT_USERS
    from bench.prepare import WHO, page_paths, sign_in
    from prodep.accounts.models import User

    for command, args in [
        ("migrate", ["--noinput"]),
        ("sync_content", []),
        ("bench_data", ["--yes-this-is-a-bench-db", "--minimal"]),
        ("collectstatic", ["--noinput"]),
    ]:
        call_command(command, *args, verbosity=0)
    users = {role: User.objects.get(email=email) for role, email in ENDPOINT_USERS.items()}
    clients = {role: sign_in(users[role])["client"] for role in set(WHO.values())}
    paths = {"floor": "/bench/floor/", "floor (anonymous)": "/bench/floor/", **page_paths(users)}
    anonymous = Client(HTTP_HOST="127.0.0.1")
    return {
        page: (anonymous if page == "floor (anonymous)" else clients[WHO[page]], paths[page])
        for page in PAGES
    }


def measure(client, path: str, repeat: int) -> tuple[float, float]:
    """(CPU milliseconds per request, queries per request), after a warm-up."""
    from django.db import connection

    for _ in range(20):
        assert client.get(path).status_code == 200, path
    queries = []  # counted by a wrapper: the start of each request empties connection.queries

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(path)
    start = time.process_time()  # CPU time: steadier than the clock on a busy machine
    for _ in range(repeat):
        client.get(path)
    return (time.process_time() - start) * 1000 / repeat, len(queries)


def areas(client, path: str, repeat: int) -> list[tuple[str, float]]:
    """The page's own time (cProfile's tottime) summed by area, largest first, as shares.

    A built-in function (``len``, a C method) has no file of its own: its time goes to the
    areas of the functions that called it, in proportion to what each caller spent in it.
    """
    profile = cProfile.Profile()
    profile.runcall(lambda: [client.get(path) for _ in range(repeat)])
    stats = pstats.Stats(profile).stats

    def area(filename: str) -> str:
        return next(name for name, parts in AREAS if any(p in filename for p in parts))

    totals: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, callers) in stats.items():
        if filename != "~" or not callers:
            totals[area(filename)] = totals.get(area(filename), 0.0) + tottime
            continue
        spent = sum(c[2] for c in callers.values()) or 1.0
        for (caller_file, _, _), c in callers.items():
            share = tottime * c[2] / spent
            totals[area(caller_file)] = totals.get(area(caller_file), 0.0) + share
    totals.pop("measurement", None)
    whole = sum(totals.values()) or 1.0
    return sorted(((a, t / whole) for a, t in totals.items()), key=lambda at: -at[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--profile", choices=PAGES)
    parser.add_argument("--areas", action="store_true", help="each page's top five costs")
    parser.add_argument(
        "--database-url",
        default="",
        help="an empty PostgreSQL database to fill (default: SQLite in a temporary folder)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        configure(Path(tmp), args.database_url)
        pages = build()
        if args.profile:
            client, path = pages[args.profile]
            measure(client, path, 10)
            profile = cProfile.Profile()
            profile.runcall(lambda: [client.get(path) for _ in range(args.repeat)])
            stats = pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative"))
            stats.print_stats(40)
            if os.environ.get("CALLERS"):
                stats.print_callers(os.environ["CALLERS"])
            if os.environ.get("CALLEES"):
                stats.print_callees(os.environ["CALLEES"])
            return
        if args.areas:
            for page, (client, path) in pages.items():
                measure(client, path, 10)
                top = areas(client, path, args.repeat)[:5]
                print(f"{page}: " + "; ".join(f"{a} {share:.0%}" for a, share in top))
            return
        anonymous = None
        print(f"{'page':<20}{'ms':>8}{'÷ anon':>8}{'queries':>9}")
        for page, (client, path) in pages.items():
            ms, queries = measure(client, path, args.repeat)
            anonymous = anonymous or ms
            print(f"{page:<20}{ms:>8.2f}{anonymous / ms:>8.2f}{queries:>9}")


if __name__ == "__main__":
    main()
