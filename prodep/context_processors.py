from django.conf import settings


def site(request):
    """What every page needs, in one query: neutral titles, and whether to show "Clients"."""
    context = {
        "EXIT_URL": settings.EXIT_URL,
        "discreet": False,
        "is_therapist": False,
        "SESSION_IDLE_SECONDS": settings.SESSION_COOKIE_AGE,
        "SESSION_WARNING_SECONDS": settings.SESSION_IDLE_WARNING_SECONDS,
    }
    if request.user.is_authenticated:
        from prodep.accounts.middleware import seconds_left
        from prodep.accounts.models import Profile

        # The idle timeout counts from the session's last save, which may be a minute old.
        context["SESSION_IDLE_SECONDS"] = seconds_left(request.session)

        row = (
            Profile.objects.filter(user=request.user)
            .values("discreet_mode", "user__therapist_profile__status")
            .first()
        )
        if row:
            context["discreet"] = row["discreet_mode"]
            context["is_therapist"] = row["user__therapist_profile__status"] == "approved"
    return context
