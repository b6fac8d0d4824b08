from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lessons.authoring import create_lesson_file


class Command(BaseCommand):
    help = "Write a new lesson file with front matter and one example of each block."
    requires_system_checks = []  # content problems must not block this command

    def add_arguments(self, parser):
        parser.add_argument(
            "module", help="Module folder or slug, e.g. 04-two-lenses or two-lenses"
        )
        parser.add_argument("title", help="The lesson's title")
        parser.add_argument("--path", help="Content folder (default: settings.CONTENT_DIR).")

    def handle(self, *args, module, title, path=None, **options):
        try:
            created = create_lesson_file(Path(path or settings.CONTENT_DIR), module, title)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Created {created}")
