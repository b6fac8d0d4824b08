"""What ``make bench`` reports as met or MISSED, from the figures of a run (no server started)."""

import pytest

from bench import run

PAGES_AT_TARGET = {
    "ceiling": 4000,
    "floor (anonymous)": 2000,
    "floor": 1000,
    "lesson": 300,
    "dashboard": 300,
    "journal": 200,
    "roster": 200,
    "client": 200,
    "autosave": 150,
}


def figures(rps: float, p99_ms: float = 50) -> dict:
    return {
        "rps": rps,
        "p50_ms": p99_ms / 2,
        "p99_ms": p99_ms,
        "non2xx": 0,
        "socket_errors": 0,
        "timeouts": 0,
    }


def sqlite_run(rps: dict | None = None, p99_ms: dict | None = None) -> dict:
    """The results of a SQLite-only run, every target met unless ``rps`` or ``p99_ms`` say."""
    rps = {**PAGES_AT_TARGET, **(rps or {})}
    endpoints = {name: figures(r, (p99_ms or {}).get(name, 50)) for name, r in rps.items()}
    results = {
        "sqlite": {
            "scale": {"endpoints": endpoints, "worker_rss_mb": [70.5, 71.0]},
            "empty": {"endpoints": {name: figures(rps[name]) for name in run.PAGES}},
        }
    }
    for variant in ("scale", "empty"):
        results["sqlite"][variant]["database_is_locked"] = 0
    run.ratios(results)
    return results


def missed(results: dict) -> dict:
    return {t["target"]: t["value"] for t in run.targets(results) if not t["met"]}


def test_the_targets_printed_for_a_database():
    assert [t["target"] for t in run.targets(sqlite_run())] == [
        "sqlite: floor (signed in) >= 0.50 of the anonymous floor",
        "sqlite: lesson >= 0.15 of the anonymous floor",
        "sqlite: dashboard >= 0.15 of the anonymous floor",
        "sqlite: journal >= 0.07 of the anonymous floor",
        "sqlite: roster >= 0.07 of the anonymous floor",
        "sqlite: client >= 0.07 of the anonymous floor",
        "sqlite: p99 < 100 ms at 16 connections",
        "sqlite: every page >= 200 req/s at 16 connections",
        "sqlite: no non-2xx (GET pages)",
        "sqlite: scale data costs <= 20%",
        "sqlite: autosave at 32 connections, 0 errors",
        "sqlite: 0 'database is locked'",
        "sqlite: worker RSS < 150 MB",
    ]
    assert missed(sqlite_run()) == {}


@pytest.mark.parametrize(
    "rps,target,ratio",
    [
        ({"floor": 990}, "sqlite: floor (signed in) >= 0.50 of the anonymous floor", 0.495),
        ({"lesson": 290}, "sqlite: lesson >= 0.15 of the anonymous floor", 0.145),
        ({"client": 138}, "sqlite: client >= 0.07 of the anonymous floor", 0.069),
    ],
)
def test_a_share_of_the_anonymous_floor_under_its_target_is_missed(rps, target, ratio):
    found = missed(sqlite_run(rps))
    assert found.pop(target) == ratio
    assert set(found) <= {"sqlite: every page >= 200 req/s at 16 connections"}


def test_the_signed_in_floor_does_not_set_the_pages_targets():
    """A slower signed-in floor fails its own target, not every page's."""
    assert set(missed(sqlite_run({"floor": 500}))) == {
        "sqlite: floor (signed in) >= 0.50 of the anonymous floor"
    }


def test_a_slow_page_misses_latency_and_throughput():
    found = missed(sqlite_run({"roster": 180}, {"roster": 120, "floor": 300}))
    assert found == {
        "sqlite: p99 < 100 ms at 16 connections": {"roster": 120},
        "sqlite: every page >= 200 req/s at 16 connections": {"roster": 180},
    }


def test_the_table_shows_each_page_against_both_floors():
    rows = run.table(sqlite_run()).splitlines()
    assert "÷ anonymous floor | ÷ signed-in floor" in rows[0]
    lesson = next(row for row in rows if row.startswith("| sqlite | lesson |"))
    assert "| 0.15 | 0.30 |" in lesson
    assert any(row.startswith("| sqlite | floor (signed in) | 1,000 |") for row in rows)


def test_a_profile_names_the_files_that_ran_most_and_their_costliest_function():
    """py-spy's collapsed stacks: the two workers under the master, samples at the end."""
    master, worker = 'process 10:"gunicorn"', 'process 11:"gunicorn worker"'
    handle = "handle (gunicorn/sync.py:1)"
    collapsed = "\n".join(
        [
            f"{master};{worker};{handle};Template.render (django/template/base.py:10) 40",
            f"{master};{worker};{handle};Variable.resolve (django/template/base.py:90) 25",
            f"{master};{worker};{handle};execute (django/db/sqlite3.py:5) 30",
            f"{master};{handle} 5",
        ]
    )
    assert run.top_costs(collapsed, count=2) == {
        "samples": 100,
        "top": [
            {
                "file": "django/template/base.py",
                "own": 0.65,
                "function": "Template.render",
                "function_own": 0.4,
            },
            {
                "file": "django/db/sqlite3.py",
                "own": 0.3,
                "function": "execute",
                "function_own": 0.3,
            },
        ],
    }
    assert run.top_costs(collapsed)["top"][2]["file"] == "gunicorn/sync.py"


def test_a_page_with_no_finished_request_on_the_empty_database_misses_the_scale_cost():
    results = sqlite_run()
    results["sqlite"]["empty"]["endpoints"]["roster"]["rps"] = 0.0
    run.ratios(results)
    assert missed(results) == {
        "sqlite: scale data costs <= 20%": {
            "lesson": 0.0,
            "dashboard": 0.0,
            "journal": 0.0,
            "roster": None,
            "client": 0.0,
        }
    }
    assert "| 0 | n/a |" in run.table(results)
