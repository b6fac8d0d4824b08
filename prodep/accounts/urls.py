from django.urls import path

from . import views

urlpatterns = [
    path("exit/", views.exit_now, name="exit"),
    path("settings/", views.account_settings, name="account_settings"),
    path("before-you-start/", views.safety_intro, name="safety_intro"),
]
