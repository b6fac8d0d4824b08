from django.core.management import call_command

from prodep.accounts.models import User
from prodep.clinic.models import CareLink
from prodep.clinic.reads import therapist_profile


def test_seed_demo_creates_linked_accounts_idempotently(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "partner@example.com" in out and "prodep-demo-2026" in out
    partner = User.objects.get(email="partner@example.com")
    therapist = therapist_profile(User.objects.get(email="therapist@example.com"))
    assert therapist.is_approved
    assert CareLink.objects.for_client(partner).get().therapist == therapist
    assert User.objects.get(email="author@example.com").is_author
