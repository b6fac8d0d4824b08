"""Demo accounts for ``make run``: a partner linked to an approved therapist, and an author.

Here rather than in the accounts app because the therapist's side is the clinic's.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from prodep.accounts.models import AUTHORS_GROUP, User
from prodep.accounts.services import ensure_verified_user

from .models import CareLink, TherapistProfile

DEMO_PASSWORD = "prodep-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str


@transaction.atomic
def create_demo_accounts() -> list[DemoAccount]:
    """Idempotently create the demo partner, therapist and author."""
    accounts = [
        DemoAccount("partner", "partner@example.com", DEMO_PASSWORD),
        DemoAccount("therapist", "therapist@example.com", DEMO_PASSWORD),
        DemoAccount("author", "author@example.com", DEMO_PASSWORD),
    ]
    partner = ensure_verified_user(accounts[0].email, DEMO_PASSWORD)
    therapist = ensure_verified_user(accounts[1].email, DEMO_PASSWORD)
    author = ensure_verified_user(accounts[2].email, DEMO_PASSWORD, is_staff=True)
    author.groups.add(Group.objects.get_or_create(name=AUTHORS_GROUP)[0])
    _link_demo_therapist(partner, therapist)
    return accounts


def _link_demo_therapist(partner: User, therapist: User) -> None:
    """An approved therapist linked to the partner. They set up two-factor sign-in on first use."""
    profile, _ = TherapistProfile.objects.update_or_create(
        user=therapist,
        defaults={
            "display_name": "Dr Demo",
            "credentials": "Licensed therapist (demo)",
            "practice": "Demo Practice",
            "country": "UK",
            "status": TherapistProfile.Status.APPROVED,
        },
    )
    if not CareLink.objects.for_client(partner).filter(therapist=profile).exists():
        CareLink.objects.create(therapist=profile, client=partner, client_alias="Demo partner")
