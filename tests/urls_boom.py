"""A URLconf with a view that fails, for the 500 page test."""

from django.urls import path

from prodep.urls import handler404, handler500  # noqa: F401


def boom_view(request):
    raise RuntimeError


urlpatterns = [path("boom/", lambda request: boom_view(request))]
