"""How the therapist's pages show things: coarse times, links and pictures for many clients."""

from datetime import datetime
from functools import cache

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from prodep.clinic.pictures import Chart
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


@register.simple_tag
def module_bars(chart: Chart) -> SafeString:
    """Lessons read per module: one small bar each, with the same in words.

    Drawn here rather than in a template: the roster draws one per client, about ten bars
    each, and the template engine's per-value work (lookups, number formatting, escaping) was
    most of the roster's time. Every number is an ``int`` from ``pictures.module_bars``, so
    only the words (module titles) need escaping.
    """
    h = int(chart.height)
    bars = "".join(
        f'<rect class="spark__track" x="{int(bar.x)}" y="0" width="{int(bar.width)}" '
        f'height="{h}"/>'
        + (
            f'<rect class="spark__bar" x="{int(bar.x)}" y="{int(bar.y)}" '
            f'width="{int(bar.width)}" height="{int(bar.height)}"/>'
            if bar.height
            else ""
        )
        for bar in chart.bars
    )
    w = int(chart.width)
    return mark_safe(  # noqa: S308 - integers, and the words escaped
        f'<span class="spark"><svg class="spark__chart" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" aria-hidden="true" focusable="false">{bars}</svg> '
        f'<span class="spark__total">{int(chart.value)} of {int(chart.of)}</span> '
        f'<span class="visually-hidden">lessons read. Per module: {escape(chart.words)}.</span>'
        "</span>"
    )
