from functools import cache

from django.conf import settings
from django.urls import reverse

from prodep.accounts.middleware import seconds_left
from prodep.clinic.reads import home_url, is_approved_therapist

# The links every page's header and footer carry, by URL name.
SITE_LINKS = (
    "exit",
    "keepalive",
    "account_login",
    "account_signup",
    "account_logout",
    "account_settings",
    "landing",
    "dashboard",
    "lessons:catalogue",
    "journal:index",
    "clinic:roster",
    "lessons:preview_index",
    "safety",
    "time_zone",
)
# The stand-alone content pages every page links to, by slug (``lessons_crisis`` ...).
HELP_PAGES = ("crisis", "glossary")


@cache
def site_links() -> dict[str, str]:
    """Reversed once per process: fifteen ``{% url %}`` tags on every page cost a millisecond."""
    links = {name.replace(":", "_"): reverse(name) for name in SITE_LINKS}
    links.update({f"lessons_{slug}": reverse("lessons:page", args=[slug]) for slug in HELP_PAGES})
    return links


def site(request):
    """What every page needs: neutral titles, the person's home (a therapist's is the client
    list), whether to show "Clients", the idle timeout, and whether the browser should report
    its time zone."""
    context = {
        "EXIT_URL": settings.EXIT_URL,
        "site_links": site_links(),
        "discreet": False,
        "is_therapist": False,
        "home_url": site_links()["landing"],
        "SESSION_IDLE_SECONDS": settings.SESSION_COOKIE_AGE,
        "SESSION_WARNING_SECONDS": settings.SESSION_IDLE_WARNING_SECONDS,
        "detect_time_zone": False,
        "stored_time_zone": "",
        # Set by the DEBUG content auto-sync: shown to authors only (base.html).
        "content_problems": getattr(request, "content_problems", []),
    }
    user = request.user
    if user.is_authenticated:
        # The idle timeout counts from the session's last save, which may be a minute old.
        context["SESSION_IDLE_SECONDS"] = seconds_left(request.session)
        # Both loaded with the user (prodep.accounts.backends): no query here.
        profile = getattr(user, "profile", None)
        context["discreet"] = bool(profile and profile.discreet_mode)
        # The browser reports its zone unless the reader chose one in Settings.
        context["detect_time_zone"] = bool(profile and not profile.time_zone_chosen)
        context["stored_time_zone"] = profile.time_zone if profile else ""
        context["is_therapist"] = is_approved_therapist(user)
        context["home_url"] = home_url(user)
    return context
