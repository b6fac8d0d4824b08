from allauth.account.decorators import reauthentication_required, secure_admin_login
from allauth.usersessions.views import ListUserSessionsView
from django.contrib import admin
from django.urls import include, path

from lessons import views as lesson_views
from prodep import views

admin.site.login = secure_admin_login(admin.site.login)  # allauth's log-in, rate limits and MFA
admin.site.site_header = "Prodep administration"
admin.site.site_title = "Prodep admin"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", lesson_views.dashboard, name="dashboard"),
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
    path("journal/", include("prodep.journal.urls")),
    path("", include("prodep.clinic.urls")),
    path("admin/", admin.site.urls),
    path("", include("lessons.urls")),
]

handler404 = "prodep.views.page_not_found"
handler500 = "prodep.views.server_error"
handler429 = "prodep.views.rate_limited"
