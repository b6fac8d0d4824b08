"""Who may reach the therapist side: approved therapists with two-factor sign-in, nobody else."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from . import services


def therapist_required(view):
    """Approved therapist with TOTP set up; the profile is passed to the view as ``therapist``.

    No profile or an unapproved one gets 403 (the apply page says where an application
    stands). An approved therapist without two-factor sign-in is sent to set it up first,
    before any client data is shown.
    """

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        profile = services.therapist_profile(request.user)
        if profile is None or not profile.is_approved:
            raise PermissionDenied("Only approved therapists can use this page.")
        if not services.has_two_factor(request.user):
            messages.info(request, "Please set up two-factor sign-in before you see client data.")
            return redirect("mfa_activate_totp")
        return view(request, *args, therapist=profile, **kwargs)

    return wrapper
