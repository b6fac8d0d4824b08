from django.urls import path

from . import views

urlpatterns = [
    path("exit/", views.exit_now, name="exit"),
    path("settings/", views.account_settings, name="account_settings"),
    path("settings/discreet/", views.set_discreet_mode, name="discreet_mode"),
    path("settings/time-zone/", views.time_zone, name="time_zone"),
    path("signed-out/", views.signed_out, name="signed_out"),
    path("settings/data/", views.data_rights, name="data_rights"),
    path("settings/data/export/", views.export_data, name="export_data"),
    path("settings/delete/", views.delete_my_account, name="delete_account"),
    path("session/keepalive/", views.keepalive, name="keepalive"),
    path("before-you-start/", views.safety_intro, name="safety_intro"),
]
