from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from prodep.middleware import CLEAR_SITE_DATA

from .forms import AUTOMATIC, TimeZoneForm
from .models import Profile
from .services import delete_account, export_user_data, set_time_zone


@csrf_exempt
def exit_now(request):
    """End the session at once and land on a neutral site.

    Reachable by GET so the "Exit this page" link works without JavaScript; exempt from CSRF
    because leaving must never fail. Clear-Site-Data asks the browser to drop this site's cache,
    cookies and storage as well.
    """
    logout(request)
    request.session.flush()
    return leave_for_neutral_site()


def leave_for_neutral_site() -> HttpResponse:
    """The neutral site, and the browser told to forget this one.

    Also what ``/exit/`` answers when the database is down and the session cannot be ended on
    the server (``prodep.views.database_unavailable``): leaving must work even then, and the
    browser still drops the session cookie.
    """
    response = HttpResponseRedirect(settings.EXIT_URL)
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


def _settings_page(request, time_zone_form: TimeZoneForm | None = None, status: int = 200):
    profile = request.user.profile  # loaded with the user: no query
    if time_zone_form is None:
        chosen = profile.time_zone if profile.time_zone_chosen else AUTOMATIC
        time_zone_form = TimeZoneForm(initial={"time_zone": chosen})
    context = {"time_zone_form": time_zone_form, "profile": profile}
    return render(request, "accounts/settings.html", context, status=status)


@login_required
def account_settings(request):
    return _settings_page(request)


@login_required
@require_POST
def time_zone(request):
    """Settings' time zone choice, and the browser's report of its zone (``static/js/timezone.js``,
    which asks for JSON)."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = TimeZoneForm(request.POST)
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"ok": False, "error": form.errors["time_zone"][0]}, status=400)
        return _settings_page(request, form, status=400)
    name, detected = form.cleaned_data["time_zone"], form.cleaned_data["detected"]
    changed = set_time_zone(request.user, name, detected=detected)
    if wants_json:
        return JsonResponse({"ok": True, "changed": changed})
    if name:
        messages.success(request, f"Times are now shown for {name.replace('_', ' ')}.")
    else:
        messages.success(request, "Times now follow the time zone of the device you use.")
    return redirect("account_settings")


def signed_out(request):
    """Where signing out lands: a plain confirmation, neutral for a reader in discreet mode
    (``?discreet=1``, set by the account adapter: the session that knew it is gone)."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    discreet = request.GET.get("discreet") == "1"
    return render(request, "accounts/signed_out.html", {"discreet": discreet})


@login_required
@require_http_methods(["GET", "POST"])
def safety_intro(request):
    """Shown once, before a reader's first lesson: what the exit control can and cannot do."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: redirect() would also take a bare word as a URL name.
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}
    ):
        next_url = reverse("dashboard")
    if request.method == "POST":
        Profile.objects.filter(user=request.user).update(safety_intro_seen_at=timezone.now())
        return HttpResponseRedirect(next_url)
    return render(request, "accounts/safety_intro.html", {"next": next_url})


@login_required
@require_POST
def set_discreet_mode(request):
    """Neutral page titles and icon on every page, for a screen or tab others may glimpse."""
    enabled = request.POST.get("discreet_mode") == "on"
    Profile.objects.filter(user=request.user).update(discreet_mode=enabled)
    messages.success(request, "Discreet mode is on." if enabled else "Discreet mode is off.")
    return redirect("account_settings")


@require_POST
def keepalive(request):
    """The idle-warning dialog's "Stay signed in": restart the idle timeout now."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    request.session.modified = True  # saved, so its expiry moves on, however recent the last save
    return JsonResponse({"signed_in": True, "idle_seconds": settings.SESSION_COOKIE_AGE})


@login_required
def data_rights(request):
    return render(request, "accounts/data.html")


@login_required
@require_POST
@reauthentication_required
def export_data(request):
    response = HttpResponse(export_user_data(request.user), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="my-data.zip"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def delete_my_account(request):
    if request.method == "POST":
        if request.POST.get("confirm", "").strip().lower() != "delete":
            messages.error(request, 'Type "delete" to confirm. Nothing was deleted.')
            return render(request, "accounts/delete.html", status=400)
        user = request.user
        logout(request)
        delete_account(user)
        # The landing page confirms the deletion: a message cookie would be cleared at once.
        response = redirect(f"{reverse('landing')}?account=deleted")
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response
    return render(request, "accounts/delete.html")
