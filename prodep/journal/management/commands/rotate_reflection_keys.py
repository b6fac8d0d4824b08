from django.core.management.base import BaseCommand

from prodep.accounts.services import rotate_mfa_secrets
from prodep.journal.services import rotate_all


class Command(BaseCommand):
    help = "Re-encrypt every reflection and two-factor secret with the first REFLECTION_KEYS key."
    requires_system_checks = []  # content problems must not block this command

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size=500, **options):
        count = rotate_all(batch_size=batch_size)
        secrets = rotate_mfa_secrets()
        self.stdout.write(
            f"Re-encrypted {count} reflection(s) and {secrets} two-factor secret(s) "
            "with the first key."
        )
