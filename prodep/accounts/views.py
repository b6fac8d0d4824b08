from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt

CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


@csrf_exempt
def exit_now(request):
    """End the session at once and land on a neutral site.

    Reachable by GET so the "Exit this page" link works without JavaScript; exempt from CSRF
    because leaving must never fail. Clear-Site-Data asks the browser to drop this site's cache,
    cookies and storage as well.
    """
    logout(request)
    request.session.flush()
    response = HttpResponseRedirect(settings.EXIT_URL)
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@login_required
def account_settings(request):
    return render(request, "accounts/settings.html")
