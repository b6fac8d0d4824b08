"""Session limits and the two-factor requirement for staff."""

import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

SIGNED_IN_AT = "prodep_signed_in_at"


class SessionLifetimeMiddleware:
    """End a session a fixed time after sign-in, however active it is.

    The idle timeout (``SESSION_COOKIE_AGE`` with a save on every request) ends quiet sessions;
    this ends long ones, so a device left signed in does not stay signed in for days.
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


def _exempt(path: str) -> bool:
    allowed = ("/accounts/", "/exit/", "/static/", "/healthz", "/safety/", "/help/")
    return path.startswith(allowed)


class StaffTwoFactorMiddleware:
    """Staff (administrators and authors) must set up two-factor sign-in before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff
            and not _exempt(request.path)
            and not Authenticator.objects.filter(user=user).exists()
        ):
            messages.info(request, "Staff accounts need two-factor sign-in. Please set it up now.")
            return redirect("mfa_activate_totp")
        return self.get_response(request)
