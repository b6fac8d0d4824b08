from django.urls import path

from . import views

app_name = "lessons"

urlpatterns = [
    path("lessons/", views.catalogue, name="catalogue"),
    path("lessons/<slug:module_slug>/", views.module_detail, name="module"),
    path("lessons/<slug:module_slug>/<slug:lesson_slug>/", views.lesson_detail, name="lesson"),
    path("help/<slug:slug>/", views.page_detail, name="page"),
    path("help/crisis/", views.page_detail, {"slug": "crisis"}, name="crisis"),
    path("help/glossary/", views.page_detail, {"slug": "glossary"}, name="glossary"),
    path("preview/", views.preview_index, name="preview_index"),
    path("preview/<path:source_path>", views.preview, name="preview"),
]
urlpatterns.append(
    path("lessons/<slug:module_slug>/<slug:lesson_slug>/read/", views.complete, name="complete")
)
