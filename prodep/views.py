"""Site-wide pages: landing, dashboard shell, health check and error pages."""

import sys

from django.conf import settings
from django.contrib import messages
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from prodep import health
from prodep.accounts.views import leave_for_neutral_site
from prodep.clinic.reads import home_url
from prodep.context_processors import site_links


def landing(request):
    if request.user.is_authenticated:
        return redirect(home_url(request.user))
    if request.GET.get("account") == "deleted":
        # Said here rather than by a message cookie: deletion clears the site's cookies
        # (Clear-Site-Data), so a message stored with the redirect would never be shown.
        messages.success(request, "Your account and everything in it have been deleted.")
    return render(request, "landing.html")


def safety(request):
    """What "Exit this page" does and, honestly, what it cannot do."""
    return render(request, "safety.html")


@require_GET
@never_cache
def healthz(request):
    """Answer 200 only when the database answers too, so a load balancer can route around us.

    ``?deep=1`` adds the cache and the mail server, in status words (``prodep.health``): a
    degraded cache or mail server still answers 200, so no server leaves the rotation for it.
    """
    if request.GET.get("deep") == "1":
        found = health.report()
        return JsonResponse(found, status=503 if found["database"] == "down" else 200)
    if health.database() == "down":
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """Rendered without the request: a page's context (the signed-in user, the links) may be
    what failed."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    return HttpResponse(render_to_string("500.html"), status=500)


# What Django raises when the database cannot be reached or cannot write: stopped, restarted,
# connections cut, or (SQLite) a full disk or a read-only file.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable(request) -> HttpResponse:
    """A calm 503 that needs nothing from the database, with the crisis numbers on it.

    The crisis page itself lives in the database, so the numbers are in the template. A form
    posted without JavaScript gets its text shown back, so nothing typed is lost; autosave
    (JSON) hears that it may retry. "Exit this page" still leaves: the session cannot be ended
    on the server now, but the browser is told to forget it.
    """
    if request.path == reverse("exit"):
        response = leave_for_neutral_site()
        response.delete_cookie(settings.SESSION_COOKIE_NAME)
        return response
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse(
            {"ok": False, "retry": True, "error": "The site is not answering just now."},
            status=503,
        )
    else:
        unsaved = request.POST.get("text", "") if request.method == "POST" else ""
        html = render_to_string("503.html", {"unsaved": unsaved, "site_links": site_links()})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def rate_limited(request, exception=None):
    return render(request, "429.html", status=429)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def robots_txt(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")
