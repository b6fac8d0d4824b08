"""Session limits, cheap session upkeep, the reader's time zone, and staff two-factor sign-in."""

import hashlib
import time

from allauth.account.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
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


class SessionRefreshMiddleware:
    """Extend a signed-in session's idle timeout without a database write on every request.

    Django would save the session on every request (``SESSION_SAVE_EVERY_REQUEST``) to push its
    expiry on; that write was most of what a signed-in request cost. Here a signed-in session is
    saved when something changed it, or when its last save is older than
    ``refresh_interval()``, so the idle timeout ends a quiet session at most that much early.
    The decision is made before the view runs, so the page can tell the browser the exact time
    left (``seconds_left``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.session_key and AUTH_SESSION_KEY in session:
            if time.time() - session.get(REFRESHED_AT, 0) > refresh_interval():
                session[REFRESHED_AT] = time.time()  # marks the session modified: it is saved
        response = self.get_response(request)
        if session.modified and session.session_key and not session.is_empty():
            session[REFRESHED_AT] = time.time()  # saved anyway: its expiry starts now
        return response


class UserSessionActivityMiddleware:
    """allauth's ``UserSessionsMiddleware`` (the "last seen" on the sessions page), throttled.

    allauth rewrites the user-session row on every request. This does it when the session,
    the address or the browser changed (so allauth's "session moved" signal still fires at
    once), and otherwise at most every ``SESSION_REFRESH_SECONDS``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key and request.user.is_authenticated:
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
            if (
                not seen
                or seen[1] != fingerprint
                or now - seen[0] > settings.SESSION_REFRESH_SECONDS
            ):
                UserSession.objects.create_from_request(request)
                session[SEEN] = [now, fingerprint]
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """End a session a fixed time after sign-in, however active it is.

    The idle timeout (``SESSION_COOKIE_AGE``, kept moving by ``SessionRefreshMiddleware``) ends
    quiet sessions; this ends long ones, so a device left signed in does not stay signed in for
    days.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.setdefault(SIGNED_IN_AT, time.time())
            if time.time() - started > settings.SESSION_ABSOLUTE_HOURS * 3600:
                logout(request)
                messages.info(request, "For your safety you were signed out. Please sign in again.")
                return redirect(f"{reverse('account_login')}?next={request.path}")
        return self.get_response(request)


class TimeZoneMiddleware:
    """Show this request's times in the reader's zone (UTC, named as such, until it is known).

    The profile comes with the user (``prodep.accounts.backends``): no query of its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = zone_of(request.user)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def _exempt(path: str) -> bool:
    allowed = ("/accounts/", "/exit/", "/static/", "/healthz", "/safety/", "/help/")
    return path.startswith(allowed)


class StaffTwoFactorMiddleware:
    """Staff (administrators and authors) pass two-factor sign-in in this session before anything
    else, the admin and the author preview included (see ``two_factor``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff
            and not _exempt(request.path)
            and not passed_second_factor(request)
        ):
            if not has_two_factor(user):
                messages.info(request, "Staff accounts need two-factor sign-in. Please set it up.")
                return redirect("mfa_activate_totp")
            messages.info(request, "Please confirm it is you with your second factor first.")
            return redirect(code_entry_url(request))
        return self.get_response(request)
