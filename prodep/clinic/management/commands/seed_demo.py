from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from prodep.clinic.demo import create_demo_accounts


class Command(BaseCommand):
    help = "Create demo accounts (a partner, a therapist and an author). Only with DEBUG on."
    requires_system_checks = []  # content problems must not block this command

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with known passwords: DEBUG only.")
        for account in create_demo_accounts():
            self.stdout.write(f"{account.role:<10} {account.email:<28} {account.password}")
