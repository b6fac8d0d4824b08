from django.urls import path

from . import views

app_name = "lessons"

# The lesson page ("lesson") shows the reader's answers and sharing too: composed in
# prodep.pages, routed in prodep/urls.py.
urlpatterns = [
    path("lessons/", views.catalogue, name="catalogue"),
    path("lessons/<slug:module_slug>/", views.module_detail, name="module"),
    path("help/<slug:slug>/", views.page_detail, name="page"),
    path("preview/", views.preview_index, name="preview_index"),
    path("preview/<path:source_path>", views.preview, name="preview"),
]
urlpatterns.append(
    path("lessons/<slug:module_slug>/<slug:lesson_slug>/read/", views.complete, name="complete")
)
