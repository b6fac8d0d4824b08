from django.urls import path

from . import views

app_name = "clinic"

urlpatterns = [
    # Therapists
    path("clinic/apply/", views.apply, name="apply"),
    path("clinic/", views.roster, name="roster"),
    path("clinic/welcome/", views.welcome, name="welcome"),
    path("clinic/invitations/", views.invitations, name="invitations"),
    path("clinic/settings/", views.preferences, name="preferences"),
    path("clinic/invitations/<int:pk>/revoke/", views.revoke_invitation, name="revoke"),
    path("clinic/clients/<int:pk>/", views.client_page, name="client"),
    path("clinic/clients/<int:pk>/end/", views.therapist_end_link, name="therapist_end"),
    path("clinic/clients/<int:pk>/restore/", views.restore_link, name="restore"),
    path("clinic/clients/<int:pk>/assign/", views.assignment_new, name="assign"),
    path("clinic/assignments/<int:pk>/", views.assignment_edit, name="assignment"),
    path("clinic/assignments/<int:pk>/delete/", views.assignment_delete, name="assignment_delete"),
    path("clinic/groups/new/", views.group_new, name="group_new"),
    path("clinic/groups/<int:pk>/", views.group_page, name="group"),
    path("clinic/groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("clinic/groups/<int:pk>/assign/", views.group_assign, name="group_assign"),
    path("clinic/groups/<int:pk>/delete/", views.group_delete, name="group_delete"),
    # Clients
    path("invite/<str:token>/", views.invitation, name="invitation"),
    path("care/", views.care, name="care"),
    path("care/<int:pk>/end/", views.client_end_link, name="client_end"),
    path("care/<int:pk>/keep-ended/", views.keep_link_ended, name="keep_ended"),
    path("care/who-has-seen-what/", views.access_log, name="access_log"),
    path("journal/<int:pk>/share/", views.share, name="share"),
]
