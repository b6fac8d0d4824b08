from django.urls import path

from . import views

app_name = "journal"

# The journal page itself ("index") shows sharing too: composed in prodep.pages, routed in
# prodep/urls.py.
urlpatterns = [
    path("answer/<slug:prompt_key>/", views.save_answer, name="save"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]
