from django.urls import path

from . import views

urlpatterns = [
    path("exit/", views.exit_now, name="exit"),
    path("settings/", views.account_settings, name="account_settings"),
    path("settings/discreet/", views.set_discreet_mode, name="discreet_mode"),
    path("before-you-start/", views.safety_intro, name="safety_intro"),
]
