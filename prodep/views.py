"""Site-wide pages: landing, dashboard shell, health check and error pages."""

from django.contrib import messages
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from prodep.clinic.services import home_url


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
    """Answer 200 only when the database answers too, so a load balancer can route around us."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def rate_limited(request, exception=None):
    return render(request, "429.html", status=429)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def robots_txt(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")
