"""Session limits, cheap session upkeep, the reader's time zone, and staff two-factor sign-in."""

import hashlib
import time

from allauth.account.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .timezones import zone_of
from .two_factor import code_entry_url, has_two_factor, passed_second_factor

SIGNED_IN_AT = "prodep_signed_in_at"
REFRESHED_AT = "prodep_refreshed_at"
SEEN = "prodep_seen"  # [when, fingerprint of session key, address and browser]


def refresh_interval() -> float:
    """How stale a session's expiry may grow: a minute, or a tenth of a short idle timeout."""
    return min(settings.SESSION_REFRESH_SECONDS, settings.SESSION_COOKIE_AGE / 10)


def seconds_left(session) -> int:
    """Until the idle timeout ends this session, counted from its last save (not this page)."""
    refreshed = session.get(REFRESHED_AT, time.time())
    return max(0, round(settings.SESSION_COOKIE_AGE - (time.time() - refreshed)))


class SignedInMiddleware:
    """Everything a signed-in request needs around its view, in one pass over the session.

    In order: keep the idle timeout moving without a write on every request; note where and
    in what browser the session is used; end a session past its absolute lifetime; hold staff
    at two-factor sign-in; show times in the reader's zone. One middleware rather than five:
    every signed-in page pays for each pass, and they all read the same session and user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if request.user.is_authenticated:
            refresh_the_idle_timeout(session)
            record_activity(request)
            ended = end_an_old_session(request) or hold_staff_at_two_factor(request)
            if ended is not None:
                return ended
        activate_time_zone(request.user)
        try:
            response = self.get_response(request)
        finally:
            timezone.deactivate()
        if session.modified and session.session_key and not session.is_empty():
            session[REFRESHED_AT] = time.time()  # saved anyway: its expiry starts now
        return response


def refresh_the_idle_timeout(session) -> None:
    """Mark the session for saving when its last save is older than ``refresh_interval()``.

    Django would save the session on every request (``SESSION_SAVE_EVERY_REQUEST``) to push its
    expiry on; that write was most of what a signed-in request cost. Saving only when something
    changed, or a minute on, lets the idle timeout end a quiet session at most that much early.
    The decision is made before the view runs, so the page can tell the browser the exact time
    left (``seconds_left``).
    """
    if session.session_key and time.time() - session.get(REFRESHED_AT, 0) > refresh_interval():
        session[REFRESHED_AT] = time.time()  # marks the session modified: it is saved


def record_activity(request) -> None:
    """allauth's user-session row (the "last seen" on the sessions page), throttled.

    allauth's own middleware rewrites the row on every request. Here it is rewritten when the
    session, the address or the browser changed (so allauth's "session moved" signal still
    fires at once), and otherwise at most every ``SESSION_REFRESH_SECONDS``.
    """
    session = request.session
    if not session.session_key:  # pragma: no cover - a signed-in session always has a key
        return
    client = "|".join(
        (
            session.session_key,
            get_adapter().get_client_ip(request),
            request.META.get("HTTP_USER_AGENT", ""),
        )
    )
    fingerprint = hashlib.blake2s(client.encode(), digest_size=8).hexdigest()
    seen = session.get(SEEN)
    now = time.time()
    if not seen or seen[1] != fingerprint or now - seen[0] > settings.SESSION_REFRESH_SECONDS:
        UserSession.objects.create_from_request(request)
        session[SEEN] = [now, fingerprint]


def end_an_old_session(request):
    """Sign out a session a fixed time after sign-in, however active it is.

    The idle timeout ends quiet sessions; this ends long ones, so a device left signed in does
    not stay signed in for days.
    """
    started = request.session.setdefault(SIGNED_IN_AT, time.time())
    if time.time() - started <= settings.SESSION_ABSOLUTE_HOURS * 3600:
        return None
    logout(request)
    messages.info(request, "For your safety you were signed out. Please sign in again.")
    return redirect(f"{reverse('account_login')}?next={request.path}")


def activate_time_zone(user) -> None:
    """Show this request's times in the reader's zone (UTC, named as such, until it is known).

    The profile comes with the user (``prodep.accounts.loading``): no query of its own.
    """
    zone = zone_of(user)
    if zone is None:
        timezone.deactivate()
    else:
        timezone.activate(zone)


def _exempt(path: str) -> bool:
    allowed = ("/accounts/", "/exit/", "/static/", "/healthz", "/safety/", "/help/")
    return path.startswith(allowed)


def hold_staff_at_two_factor(request):
    """Staff (administrators and authors) pass two-factor sign-in in this session before anything
    else, the admin and the author preview included (see ``two_factor``)."""
    user = request.user
    if not user.is_staff or _exempt(request.path) or passed_second_factor(request):
        return None
    if not has_two_factor(user):
        messages.info(request, "Staff accounts need two-factor sign-in. Please set it up.")
        return redirect("mfa_activate_totp")
    messages.info(request, "Please confirm it is you with your second factor first.")
    return redirect(code_entry_url(request))
