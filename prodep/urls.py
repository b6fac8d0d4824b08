from allauth.account.decorators import reauthentication_required, secure_admin_login
from allauth.usersessions.views import ListUserSessionsView
from django.contrib import admin
from django.urls import include, path

from lessons import urls as lesson_urls
from prodep import pages, views
from prodep.journal import urls as journal_urls


def with_pages(app_urls, *pages_routes):
    """An app's URL namespace with the pages composed above it (``prodep.pages``), which the
    app's own urls.py cannot import."""
    return include(([*app_urls.urlpatterns, *pages_routes], app_urls.app_name))


admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign] # allauth's log-in, rate limits and MFA
admin.site.site_header = "Prodep administration"
admin.site.site_title = "Prodep admin"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", pages.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt),
    path("safety/", views.safety, name="safety"),
    path("", include("prodep.accounts.urls")),
    # Ending other sessions needs a recent password too (allauth does not ask by itself).
    path(
        "accounts/sessions/",
        reauthentication_required(ListUserSessionsView.as_view(), allow_get=True),
        name="usersessions_list",
    ),
    path("accounts/", include("allauth.urls")),
    path("journal/", with_pages(journal_urls, path("", pages.journal, name="index"))),
    path("", include("prodep.clinic.urls")),
    path("admin/", admin.site.urls),
    path(
        "",
        with_pages(
            lesson_urls,
            path("lessons/<slug:module_slug>/<slug:lesson_slug>/", pages.lesson, name="lesson"),
        ),
    ),
]

handler404 = "prodep.views.page_not_found"
handler500 = "prodep.views.server_error"
handler429 = "prodep.views.rate_limited"
