from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from .models import AUTHORS_GROUP, Profile, User

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


def set_time_zone(user: User, name: str, *, detected: bool) -> bool:
    """Store the zone the reader's times are shown in; returns whether it changed.

    ``detected``: the browser reported its own zone. That never replaces a zone the reader
    chose in Settings, and an empty report changes nothing. From Settings, a zone is kept as
    chosen; an empty choice ("Automatic") lets the browser's zone apply again.
    """
    profile = Profile.objects.get(user=user)
    if detected:
        if profile.time_zone_chosen or not name or name == profile.time_zone:
            return False
        fields = {"time_zone": name}
    elif name:
        fields = {"time_zone": name, "time_zone_chosen": True}
    else:
        fields = {"time_zone_chosen": False}
    changed = any(getattr(profile, key) != value for key, value in fields.items())
    Profile.objects.filter(pk=profile.pk).update(**fields)
    return changed


def export_user_data(user: User) -> bytes:
    """Everything of the user's as a zip: machine-readable JSON and a readable Markdown copy."""
    import io
    import json
    import zipfile

    from django.template.loader import render_to_string
    from django.utils import timezone

    from lessons.models import Progress
    from prodep.clinic.models import AccessLog, Assignment, CareLink, Share
    from prodep.journal.models import Reflection

    reflections = list(
        Reflection.objects.filter(user=user).select_related("prompt__lesson").order_by("id")
    )
    shares = Share.objects.filter(reflection__user=user).select_related("link__therapist")
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "joined": user.date_joined.isoformat(),
            "discreet_mode": user.profile.discreet_mode,
            "time_zone": user.profile.time_zone,
        },
        "progress": [
            {
                "lesson": p.lesson.title,
                "started_at": p.started_at.isoformat(),
                "last_opened_at": p.last_opened_at.isoformat(),
                "completed_at": p.completed_at.isoformat() if p.completed_at else None,
            }
            for p in Progress.objects.filter(user=user).select_related("lesson")
        ],
        "reflections": [
            {
                "id": r.id,
                "lesson": r.prompt.lesson.title,
                "prompt": r.prompt_text,
                "answer": r.text,
                "created_at": r.created_at.isoformat(),
                "updated_at": r.updated_at.isoformat(),
            }
            for r in reflections
        ],
        "shares": [
            {
                "reflection_id": s.reflection_id,
                "therapist": s.link.therapist.display_name,
                "shared_at": s.shared_at.isoformat(),
            }
            for s in shares
        ],
        "therapist_links": [
            {
                "therapist": link.therapist.display_name,
                "name_they_see": link.client_alias,
                "since": link.created_at.isoformat(),
                "ended_at": link.ended_at.isoformat() if link.ended_at else None,
            }
            for link in CareLink.objects.filter(client=user).select_related("therapist")
        ],
        "assignments": [
            {
                "therapist": a.link.therapist.display_name,
                "what": str(a.target),
                "note": a.note,
                "due_date": a.due_date.isoformat() if a.due_date else None,
            }
            for a in Assignment.objects.filter(link__client=user).select_related(
                "link__therapist", "module", "lesson"
            )
        ],
        "access_log": [
            {
                "at": e.at.isoformat(),
                "who": e.therapist_name,
                "what": e.get_what_display(),
                "prompt": e.prompt_text,
            }
            for e in AccessLog.objects.filter(client=user)
        ],
    }
    readable = render_to_string("accounts/export.md", {"data": data})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("my-data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("my-data.md", readable)
    return buffer.getvalue()


def delete_account(user: User) -> None:
    """Remove the user and everything of theirs at once.

    Reflections, progress, links, shares, assignments, therapist profile, authenticators,
    email addresses and tracked sessions go with the user (foreign keys cascade); the
    session rows are deleted here. Only the access log stays, with the client set to null.
    """
    from allauth.usersessions.models import UserSession
    from django.contrib.sessions.models import Session

    with transaction.atomic():
        keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
        Session.objects.filter(session_key__in=keys).delete()
        user.delete()


def rotate_mfa_secrets() -> int:
    """Re-encrypt TOTP secrets and recovery-code seeds with the first key (see MFAAdapter)."""
    from allauth.mfa.models import Authenticator

    from prodep.journal import crypto

    fields = {Authenticator.Type.TOTP: "secret", Authenticator.Type.RECOVERY_CODES: "seed"}
    count = 0
    with transaction.atomic():
        for authenticator in Authenticator.objects.filter(type__in=fields).select_for_update():
            key = fields[authenticator.type]
            if key in authenticator.data:
                authenticator.data[key] = crypto.rotate(authenticator.data[key])
                authenticator.save(update_fields=["data"])
                count += 1
    return count
