"""Who may reach the therapist side: approved therapists who passed two-factor sign-in in this
session, nobody else."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect

from prodep.accounts.two_factor import code_entry_url, has_two_factor, passed_second_factor

from . import reads
from .models import TherapistProfile

# A view; the ones these guard take the therapist profile as the keyword ``therapist``.
View = Callable[..., HttpResponseBase]


def approved_therapist_required(view: View) -> View:
    """An approved therapist, second factor or not: for the welcome before two-factor set-up.

    No profile or an unapproved one gets 403 (the apply page says where an application stands).
    The profile is passed to the view as ``therapist``.
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        profile = reads.therapist_profile(request.user)
        if profile is None or not profile.is_approved:
            raise PermissionDenied("Only approved therapists can use this page.")
        return view(request, *args, therapist=profile, **kwargs)

    return wrapper


def therapist_required(view: View) -> View:
    """An approved therapist whose session passed a second factor (``two_factor``).

    Without an authenticator yet, the therapist is welcomed and walked through setting one up;
    with one but not used in this session (signed in before it existed), asked for its code.
    Either way before any client data is shown.
    """

    @approved_therapist_required
    @wraps(view)
    def wrapper(
        request: HttpRequest, *args: Any, therapist: TherapistProfile, **kwargs: Any
    ) -> HttpResponseBase:
        if not passed_second_factor(request):
            if not has_two_factor(request.user):
                return redirect("clinic:welcome")
            messages.info(request, "Please confirm it is you with your authenticator app first.")
            return redirect(code_entry_url(request))
        return view(request, *args, therapist=therapist, **kwargs)

    return wrapper
