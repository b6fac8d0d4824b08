from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lessons.sync import ContentError, sync_content


class Command(BaseCommand):
    help = "Load content/ into the database in one transaction (unchanged files are skipped)."
    requires_system_checks = []  # content problems must not block this command

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Validate only; write nothing.")
        parser.add_argument("--path", help="Content folder (default: settings.CONTENT_DIR).")

    def handle(self, *args, check=False, path=None, **options):
        root = Path(path or settings.CONTENT_DIR)
        try:
            report = sync_content(root, check_only=check)
        except ContentError as exc:
            for problem in exc.problems:
                self.stderr.write(
                    f"{problem}" + (f"\n    hint: {problem.hint}" if problem.hint else "")
                )
            raise CommandError(
                f"{len(exc.problems)} problem(s) in {root}; nothing was written."
            ) from None
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        if check:
            self.stdout.write(f"Content in {root} is valid.")
        else:
            self.stdout.write(f"Synced {root}: {report.summary()}.")
            if report.shared_cache_told is False:
                self.stderr.write(
                    "warning: the shared cache (CACHE_URL) did not answer, so the other app "
                    "servers could not be told: they show the new content within a minute."
                )
