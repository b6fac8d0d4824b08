"""Small factory functions: arrange test data in one line, in the domain's words."""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path

from allauth.account.models import EmailAddress

from prodep.accounts.models import User

PASSWORD = "a-long-test-password-1"
_counter = itertools.count(1)


def make_user(
    email: str | None = None,
    *,
    password: str = PASSWORD,
    verified: bool = True,
    seen_safety_intro: bool = True,
    **fields,
) -> User:
    """A verified reader who has already seen the once-only note about the exit control."""
    from django.utils import timezone

    from prodep.accounts.models import Profile

    email = email or f"user{next(_counter)}@example.com"
    user = User.objects.create_user(email=email, password=password, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    if seen_safety_intro:
        Profile.objects.filter(user=user).update(safety_intro_seen_at=timezone.now())
    return user


TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def add_totp(user: User) -> User:
    """Give the user an authenticator app, as staff and therapists must have (its secret
    encrypted at rest, as the app's own set-up stores it)."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, TOTP_SECRET)
    return user


def totp_code(secret: str, at: float | None = None) -> str:
    """What an authenticator app shows for ``secret`` now (or at ``at``)."""
    import time

    from allauth.mfa import app_settings as mfa
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(at or time.time()) // mfa.TOTP_PERIOD))


def totp_code_to_type(secret: str, seconds_needed: float = 8) -> str:
    """A code that stays valid while a browser types and submits it.

    A code read in the last seconds of its 30-second window can reach the server after the
    window has moved on, and is then refused (no tolerance is allowed): wait for a new window
    when fewer than ``seconds_needed`` remain, as a person would for a fresh code.
    """
    import time

    from allauth.mfa import app_settings as mfa

    left = mfa.TOTP_PERIOD - time.time() % mfa.TOTP_PERIOD
    if left < seconds_needed:
        time.sleep(left + 0.1)
    return totp_code(secret)


def password_login(client, email: str, password: str = PASSWORD):
    """Sign in through allauth's log-in form, as a person would."""
    from django.urls import reverse

    return client.post(reverse("account_login"), {"login": email, "password": password})


def make_staff(email: str | None = None) -> User:
    return add_totp(make_user(email, is_staff=True))


def make_author(email: str | None = None) -> User:
    from django.contrib.auth.models import Group

    from prodep.accounts.models import AUTHORS_GROUP

    user = make_staff(email)
    user.groups.add(Group.objects.get_or_create(name=AUTHORS_GROUP)[0])
    return user


def sign_in(client, user) -> None:
    """Log in as if through the form just now: the password, and the code from the
    authenticator app when the account has one (as allauth's log-in asks), so
    reauthentication-protected actions and the two-factor gate go through."""
    import time

    from allauth.mfa.models import Authenticator

    client.force_login(user)
    session = client.session
    session["account_authentication_methods_user"] = str(user.pk)
    records = [
        {"method": "password", "at": time.time(), "email": user.email, "reauthenticated": True}
    ]
    app = Authenticator.objects.filter(user=user).exclude(type=Authenticator.Type.RECOVERY_CODES)
    records += [
        {"method": "mfa", "at": time.time(), "id": pk, "type": kind}
        for pk, kind in app.values_list("pk", "type")[:1]
    ]
    session["account_authentication_methods"] = records
    session.save()


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def module_file(title: str = "A module", summary: str = "What the module covers.") -> str:
    return f"---\ntitle: {title}\nsummary: {summary}\n---\nAn introduction.\n"


def lesson_file(
    title: str = "A lesson",
    body: str = "Some text.",
    *,
    summary: str = "A summary.",
    extra: str = "",
) -> str:
    return f"---\ntitle: {title}\nsummary: {summary}\n{extra}---\n{textwrap.dedent(body)}\n"


def make_course(root: Path, lessons: int = 2, module: str = "01-first", prompts: bool = True):
    """Write a small valid course: one module with ``lessons`` lessons, each with a prompt."""
    write(root, f"{module}/_module.md", module_file())
    for n in range(1, lessons + 1):
        body = f"## Section\n\nText of lesson {n}.\n"
        if prompts:
            body += f"\n::: reflection id=p{n}\nWhat do you notice, {n}?\n:::\n"
        write(root, f"{module}/{n:02d}-lesson-{n}.md", lesson_file(f"Lesson {n}", body))
    return root


def sync(root: Path):
    from lessons.sync import sync_content

    return sync_content(root)


def answer(user, key: str, text: str = "My private answer"):
    from prodep.journal.services import save_answer

    return save_answer(user, key, text).reflection


def make_therapist(email: str | None = None, *, status: str = "approved", mfa: bool = True):
    """A therapist account: approved and with TOTP set up unless told otherwise."""
    from prodep.clinic.models import TherapistProfile

    user = make_user(email)
    profile = TherapistProfile.objects.create(
        user=user,
        display_name=f"Dr {user.email.split('@')[0].title()}",
        credentials="Licensed counsellor",
        practice="Riverside Practice",
        country="UK",
        status=status,
    )
    if mfa:
        add_totp(user)
    return profile


def link(therapist, client, alias: str = "Sam"):
    from prodep.clinic.models import CareLink

    return CareLink.objects.create(therapist=therapist, client=client, client_alias=alias)
