"""Build the benchmark data set (``bench/data.py``) in a throwaway database.

    python manage.py bench_data --yes-this-is-a-bench-db            # the scale data set
    python manage.py bench_data --yes-this-is-a-bench-db --minimal  # curriculum + endpoint users

It refuses a database that has users (unless ``--force``) and, when DEBUG is off, one it was
not told is a bench database (``--yes-this-is-a-bench-db`` or ``PRODEP_BENCH_DB=1``).
"""

import os
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench import data

SIZES = ["partners", "therapists", "clients_per_therapist", "progress", "reflections"]


class Command(BaseCommand):
    help = "Build the benchmark data set (bench databases only; see bench/README.md)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--minimal", action="store_true", help="Endpoint users only.")
        parser.add_argument("--partners", type=int, default=data.Scale.partners)
        parser.add_argument("--therapists", type=int, default=data.Scale.therapists)
        parser.add_argument(
            "--clients-per-therapist", type=int, default=data.Scale.clients_per_therapist
        )
        parser.add_argument("--progress", type=int, default=data.Scale.progress)
        parser.add_argument("--reflections", type=int, default=data.Scale.reflections)
        parser.add_argument("--batch-size", type=int, default=5_000)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run on a database that has users: earlier bench accounts are replaced.",
        )
        parser.add_argument(
            "--yes-this-is-a-bench-db",
            action="store_true",
            dest="bench_db",
            help="Needed when DEBUG is off (or set PRODEP_BENCH_DB=1).",
        )

    def handle(self, *args, **options):
        scale = None if options["minimal"] else data.Scale(**{k: options[k] for k in SIZES})
        bench_db = options["bench_db"] or os.environ.get("PRODEP_BENCH_DB") == "1"
        kind = "minimal" if scale is None else "scale"
        where = f"{connection.vendor} {connection.settings_dict['NAME']}"
        started = time.perf_counter()
        try:
            data.refuse_unsafe(bench_db=bench_db, force=options["force"], scale=scale)
            self.stdout.write(f"Building the {kind} bench data set in {where}")
            counts = data.build(
                scale,
                batch_size=options["batch_size"],
                force=options["force"],
                out=self.stdout.write,
            )
        except data.Refused as refused:
            raise CommandError(str(refused)) from refused
        elapsed = time.perf_counter() - started
        for label, n in counts.items():
            self.stdout.write(f"  {label:<26} {n:>9,}")
        totals = ", ".join(f"{v:,} {k}" for k, v in data.database_totals().items())
        self.stdout.write(f"  in the database: {totals}")
        self.stdout.write(
            f"Done in {elapsed:.1f} s. Bench accounts' password: {data.BENCH_PASSWORD}"
        )
