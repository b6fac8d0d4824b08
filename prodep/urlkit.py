"""URL helpers for pages that link to many objects."""

from collections.abc import Callable

from django.urls import reverse

_MARKER = "2147483647"


def url_for_pk(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many pks at the cost of one reverse().

    A journal or roster links to a hundred rows; reversing each one was a visible share of
    the page's time.
    """
    prefix, _, suffix = reverse(name, args=[int(_MARKER)]).partition(_MARKER)
    return lambda pk: f"{prefix}{pk}{suffix}"
