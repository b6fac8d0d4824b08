import io
import json
import zipfile

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from prodep import crypto, personal_data

from .models import Profile, User


def ensure_verified_user(email: str, password: str, **fields: object) -> User:
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


def set_time_zone(user: User, name: str, *, detected: bool) -> bool:
    """Store the zone the reader's times are shown in; returns whether it changed.

    ``detected``: the browser reported its own zone. That never replaces a zone the reader
    chose in Settings, and an empty report changes nothing. From Settings, a zone is kept as
    chosen; an empty choice ("Automatic") lets the browser's zone apply again.
    """
    profile = Profile.objects.get(user=user)
    fields: dict[str, str | bool]
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
    """Everything of the user's as a zip: machine-readable JSON and a readable Markdown copy.

    The sections are those the apps declare in the personal-data registry
    (``prodep.personal_data``): a new kind of record is exported once it is declared.
    """
    data = {"exported_at": timezone.now().isoformat(), **personal_data.export_sections(user)}
    readable = render_to_string("accounts/export.md", {"data": data})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("my-data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("my-data.md", readable)
    return buffer.getvalue()


def delete_account(user: User) -> None:
    """Remove the user and everything of theirs at once.

    What happens to each kind of record is declared in the personal-data registry: most go with
    the user (their keys cascade), the session rows are deleted first, and only the access log
    stays, with the client set to null.
    """
    with transaction.atomic():
        personal_data.prepare_deletion(user)
        user.delete()


def rotate_mfa_secrets() -> int:
    """Re-encrypt TOTP secrets and recovery-code seeds with the first key (see MFAAdapter)."""
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
