"""Time sync_content on a generated course: a cold sync, then an unchanged one.

Usage: .venv/bin/python bench/sync_content.py [--lessons 1000]
Targets on a 2-core machine: cold under 10 s, unchanged under 1 s.
"""

import argparse
import base64
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARAGRAPH = (
    "When trust breaks, the mind looks for safety. You may find yourself checking, asking and "
    "replaying. These are the reactions of an attached person in a crisis, not a disorder. "
)


def lesson_text(module: int, n: int) -> str:
    body = "\n\n".join([f"## Part {part}\n\n" + PARAGRAPH * 8 for part in range(1, 5)])
    return (
        f"---\ntitle: Lesson {module}.{n}\nsummary: What lesson {n} covers.\n"
        f'references:\n  - "Weiss, R. (2018). *Prodependence*."\n---\n'
        f"{body}\n\n::: contrast Seeing it two ways\n:: codependence\nOne view.\n"
        f":: prodependence\nAnother view.\n:::\n\n"
        f"::: reflection id=m{module}-l{n}\nWhat do you notice?\n:::\n\n"
        f"::: note\nA note.\n:::\n\n## Key ideas\n\n- One\n- Two\n"
    )


def generate(root: Path, lessons: int, per_module: int = 25, first_module: int = 1) -> None:
    for index in range(lessons):
        module, n = divmod(index, per_module)
        module += first_module - 1
        folder = root / f"{module + 1:02d}-module-{module + 1}"
        if not folder.exists():
            folder.mkdir(parents=True)
            (folder / "_module.md").write_text(
                f"---\ntitle: Module {module + 1}\nsummary: Generated.\n---\nIntro.\n"
            )
        (folder / f"{n + 1:02d}-lesson-{module + 1}-{n + 1}.md").write_text(
            lesson_text(module + 1, n + 1)
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lessons", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        os.environ.update(
            DJANGO_SETTINGS_MODULE="prodep.settings",
            DEBUG="false",
            SECRET_KEY="bench-" + base64.urlsafe_b64encode(os.urandom(40)).decode(),
            REFLECTION_KEYS=base64.urlsafe_b64encode(os.urandom(32)).decode(),
            DATABASE_URL=f"sqlite:///{tmp_path / 'bench.sqlite3'}",
            ALLOWED_HOSTS="127.0.0.1",
        )
        import django

        django.setup()
        from django.core.management import call_command

        from lessons.sync import sync_content

        call_command("migrate", verbosity=0, skip_checks=True)
        content = tmp_path / "content"
        generate(content, args.lessons)

        started = time.perf_counter()
        cold = sync_content(content)
        cold_s = time.perf_counter() - started
        started = time.perf_counter()
        warm = sync_content(content)
        warm_s = time.perf_counter() - started

    result = {
        "lessons": args.lessons,
        "cold_seconds": round(cold_s, 2),
        "unchanged_seconds": round(warm_s, 3),
        "cold_report": cold.summary(),
        "unchanged_report": warm.summary(),
        "targets": {"cold_seconds": 10, "unchanged_seconds": 1},
    }
    print(f"sync_content on {args.lessons} generated lessons")
    print(f"  cold sync:      {cold_s:6.2f} s  ({cold.summary()})  target < 10 s")
    print(f"  unchanged sync: {warm_s:6.3f} s  ({warm.summary()})  target < 1 s")
    out = ROOT / "bench" / "results" / "sync_content.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
