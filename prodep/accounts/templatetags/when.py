"""Times as readers read them: in their own time zone, and naming UTC when that is unknown.

``SignedInMiddleware`` activates the reader's zone for the request (and the account adapter
for an email), so these filters only format. A page that shows a time without a zone would let
a reader in Los Angeles read 02:56 for 18:56 the day before.
"""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.timesince import timesince

from prodep.accounts.timezones import clock_text, day_text, local, when_text

register = template.Library()


@register.filter
def when(value) -> str:
    """ "1 Dec 2026, 10:56" in the reader's zone; "1 Dec 2026, 18:56 UTC" when it is unknown."""
    return when_text(value)


@register.filter
def day(value) -> str:
    """ "1 Dec 2026": the day of a date, or of a moment in the reader's zone."""
    return day_text(value)


@register.filter
def clock(value) -> str:
    """ "10:56" in the reader's zone; "18:56 UTC" when it is unknown."""
    return clock_text(value)


@register.filter
def readable_time(value) -> str:
    """ "1 December 2026, 10:56": for text read away from the site, which names its zone once
    (``{% time_zone_name %}``)."""
    moment = local(value)
    return date_format(moment, "j F Y, H:i") if moment else ""


@register.filter
def when_in_zone(value) -> str:
    """ "1 December 2026, 10:56 (America/Los_Angeles)": one time in a text read away from the
    site, such as an email."""
    moment = local(value)
    return f"{readable_time(moment)} ({time_zone_name()})" if moment else ""


@register.simple_tag
def time_zone_name() -> str:
    """The zone times are shown in: "America/Los_Angeles", or "UTC"."""
    return timezone.get_current_timezone_name()


@register.filter
def ago(value) -> str:
    """ "2 hours ago", or "just now" within the minute: the largest unit only."""
    moment = local(value)
    if moment is None:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment, depth=1)} ago"
