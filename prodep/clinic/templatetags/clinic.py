"""How the therapist's pages show things: coarse times, and links to many clients."""

from datetime import datetime
from functools import cache

from django import template
from django.utils import timezone

from prodep.urlkit import url_for_pk

register = template.Library()


@register.filter
def ago(when: datetime, now: datetime | None = None) -> str:
    """Last activity as "3 days ago": coarse on purpose, and cheaper than ``timesince``."""
    now = now or timezone.now()
    seconds = max(0, (now - when).total_seconds())
    for unit, size in (("month", 30 * 86400), ("week", 7 * 86400), ("day", 86400), ("hour", 3600)):
        if seconds >= (2 * size if unit in ("month", "week") else size):
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "within the hour"


@cache
def _client_url():
    return url_for_pk("clinic:client")


@register.filter
def client_url(link_id: int) -> str:
    """The client's page, for a roster of many: one ``reverse()`` per process
    (``prodep.urlkit.url_for_pk``)."""
    return _client_url()(link_id)
