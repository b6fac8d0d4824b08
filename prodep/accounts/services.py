from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from .models import AUTHORS_GROUP, User

DEMO_PASSWORD = "prodep-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str


def ensure_verified_user(email: str, password: str, **fields) -> User:
    """Create (or reset) a user whose email is already verified, so it can sign in at once."""
    user, _ = User.objects.get_or_create(email=email, defaults=fields)
    for name, value in fields.items():
        setattr(user, name, value)
    user.set_password(password)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


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
    from prodep.clinic.models import CareLink, TherapistProfile

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


def needs_safety_intro(user) -> bool:
    """A reader sees what the exit control can and cannot do once, before a first lesson."""
    profile = getattr(user, "profile", None)
    return profile is not None and profile.safety_intro_seen_at is None
