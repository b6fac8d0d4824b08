from django.conf import settings


def site(request):
    """What every page needs: the exit destination and whether titles must stay neutral."""
    profile = getattr(request.user, "profile", None) if request.user.is_authenticated else None
    return {
        "EXIT_URL": settings.EXIT_URL,
        "discreet": bool(profile and profile.discreet_mode),
    }
