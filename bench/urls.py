"""The site's URLs plus the framework floor: a minimal page through the full middleware stack."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from prodep.urls import handler404, handler429, handler500
from prodep.urls import urlpatterns as site_urlpatterns

# A small template, rendered without the request's context processors: what any page costs
# at least (every middleware, a template render), before the page's own queries.
FLOOR = engines["django"].from_string(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>'
    "</head><body><main><h1>{{ title }}</h1><p>{{ text }}</p></main></body></html>"
)


def floor(request):
    return HttpResponse(FLOOR.render({"title": "Floor", "text": "The framework floor."}))


urlpatterns = [path("bench/floor/", floor), *site_urlpatterns]
__all__ = ["handler404", "handler429", "handler500", "urlpatterns"]
