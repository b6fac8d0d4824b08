"""Two-factor sign-in for therapists and staff: two rules, each in one function, used by
``therapist_required`` (every clinic page) and ``SignedInMiddleware`` (every staff page,
the author preview and the admin included), and the same for therapists and staff.

``has_two_factor(user)``: the account has set up two-factor sign-in, that is an authenticator
app (TOTP) or a passkey or security key (WebAuthn). Recovery codes alone are only their backup
and do not count. Without it, the person is sent to set it up.

``passed_second_factor(request)``: *this session* passed a second factor:

    a session passes when allauth's record of how this session signed in includes a second
    factor for this user: a code from an authenticator app, a recovery code, or a passkey or
    security key; or when the authenticator app or key was set up in this session (typing its
    first code proves the same possession).

Owning an authenticator is not enough. A session that signed in with the password alone, before
the account had an authenticator, must not gain access because the authenticator was added
later in another browser: it is sent to type a code. The records live in the session on the
server (allauth writes them at sign-in and reauthentication), so checking them costs no query.

When an authenticator is added or removed, the account's other sessions end (see
``end_other_sessions``): whoever set it up or took it away is the one still signed in.
"""

from __future__ import annotations

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    record_authentication,
)
from allauth.mfa.models import Authenticator
from allauth.usersessions.adapter import get_adapter as get_usersessions_adapter
from allauth.usersessions.models import UserSession
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

SECOND_FACTOR = "mfa"  # allauth's method name for a code, recovery code or passkey
POSSESSION_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def passed_second_factor(request: HttpRequest) -> bool:
    """Has this request's session passed a second factor for the signed-in user?"""
    user = request.user
    if not user.is_authenticated:
        return False
    return any(
        record.get("method") == SECOND_FACTOR
        for record in get_authentication_records(request, user)
    )


def has_two_factor(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Has the account set up two-factor sign-in (an authenticator app, or a passkey or security
    key)? The one rule for therapists and staff; recovery codes alone do not count."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=POSSESSION_TYPES).exists()


def code_entry_url(request: HttpRequest) -> str:
    """The page that asks for the second factor (a code, a recovery code, or a key) and then
    comes back here. Only for an account that ``has_two_factor``. Costs queries: asked only on
    the way out."""
    methods = get_account_adapter().get_reauthentication_methods(request.user)
    url = next(m["url"] for m in methods if m["id"].startswith("mfa_reauthenticate"))
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


def count_setup_as_second_factor(request: HttpRequest, user, authenticator) -> None:
    """Setting up an app or key in this session means its code or touch was just given."""
    if authenticator.type in POSSESSION_TYPES and request.user.pk == user.pk:
        record_authentication(
            request, user, SECOND_FACTOR, id=authenticator.pk, type=authenticator.type, setup=True
        )


def forget_removed_authenticators(request: HttpRequest, user) -> None:
    """A second factor given with an authenticator that is gone no longer counts here.

    (allauth sends the removed authenticator after deleting it, without its id: the records
    kept are those of the authenticators the account still has.)
    """
    if request.user.pk != user.pk:  # pragma: no cover - allauth sends only one's own removals
        return
    remaining = set(Authenticator.objects.filter(user_id=user.pk).values_list("pk", flat=True))
    records = get_authentication_records(request, user)
    kept = [
        record
        for record in records
        if record.get("method") != SECOND_FACTOR or record.get("id") in remaining
    ]
    if len(kept) != len(records):
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = kept


def end_other_sessions(request: HttpRequest, user) -> int:
    """Sign the account out everywhere but in this request's session; returns how many ended."""
    current = request.session.session_key if request.user.pk == user.pk else None
    others = list(UserSession.objects.filter(user_id=user.pk).exclude(session_key=current))
    if others:
        get_usersessions_adapter().end_sessions(others)
    return len(others)


SETUP_URL_NAMES = ("mfa_activate_totp", "mfa_view_recovery_codes")


def signed_in_recently_for_setup(request: HttpRequest | None) -> bool:
    """Count the password typed at sign-in as the recent confirmation two-factor set-up needs.

    allauth asks for the password again before adding an authenticator unless it was confirmed
    on its "confirm" page within ``ACCOUNT_REAUTHENTICATION_TIMEOUT``; straight after signing
    in, that is asking twice. This allows the set-up pages (adding an authenticator app and
    seeing the recovery codes it creates) when a password was typed in this session within the
    same window. Turning two-factor off or making new codes still asks.
    """
    if request is None or not request.user.is_authenticated:
        return False
    if request.path not in {reverse(name) for name in SETUP_URL_NAMES}:
        return False
    passwords = [
        record["at"]
        for record in get_authentication_records(request, request.user)
        if record.get("method") == "password"
    ]
    return bool(passwords) and (
        time.time() - passwords[-1] < account_settings.REAUTHENTICATION_TIMEOUT
    )
