"""URL helpers: absolute links on the one trusted base, and links to many objects."""

from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from allauth.core import context as allauth_context
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

_MARKER = "2147483647"
# Outside any request and without SITE_URL (a shell, a test) no address is known.
_NO_ADDRESS = "http://localhost"


def site_url(request: HttpRequest | None = None) -> str:
    """The base of every absolute link the site gives out, in a mail or on a page.

    ``SITE_URL`` where it is set (production: a deploy check asks for it), so no Host header
    can point a reset or invitation link elsewhere. In development, the request's own scheme
    and host, which ``ALLOWED_HOSTS`` has already checked: ``make run PORT=8300`` gives links
    on port 8300. Without a request given, the one being served (allauth keeps it) is used.
    """
    if settings.SITE_URL:
        return settings.SITE_URL
    request = request or allauth_context.request
    if request is None:
        return _NO_ADDRESS
    return f"{request.scheme}://{request.get_host()}"


def absolute_url(location: str, request: HttpRequest | None = None) -> str:
    """``location`` (a path, or a URL whose host is dropped) on the trusted base."""
    parts = urlsplit(location)
    return site_url(request) + urlunsplit(("", "", parts.path, parts.query, parts.fragment))


def url_for_pk(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many pks at the cost of one reverse().

    A journal or roster links to a hundred rows; reversing each one was a visible share of
    the page's time.
    """
    prefix, _, suffix = reverse(name, args=[int(_MARKER)]).partition(_MARKER)
    return lambda pk: f"{prefix}{pk}{suffix}"
