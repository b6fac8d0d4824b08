"""How the therapist's pages show things: coarse times, links and pictures for many clients."""

from datetime import datetime
from functools import cache

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from prodep.accounts.timezones import when_text
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


# The two tags below draw markup in Python (see each one's reason). Every value in it is an
# int, or text passed through escape(): see _escaped_already.


@register.simple_tag
def module_bars(chart: Chart) -> str:
    """Lessons read per module: one small bar each, with the same in words.

    Drawn here rather than in a template: the roster draws one per client, about ten bars
    each, and the template engine's per-value work (lookups, number formatting, escaping) was
    most of the roster's time.
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
    return _escaped_already(
        f'<span class="spark"><svg class="spark__chart" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" aria-hidden="true" focusable="false">{bars}</svg> '
        f'<span class="spark__total">{int(chart.value)} of {int(chart.of)}</span> '
        f'<span class="visually-hidden">lessons read. Per module: {escape(chart.words)}.</span>'
        "</span>"
    )


@register.simple_tag(takes_context=True)
def share_form(context, reflection, links, shared, back: str = "") -> str:
    """Sharing one answer: per therapist, "Shared with Dr X on ..." with Unshare, or "Share
    with Dr X". Each button posts the whole new set of links (``clinic:share``) and comes back
    to ``back``.

    Drawn here rather than in an included template: the journal shows twenty answers a page,
    each with a form per therapist, and the include was most of the page's time.
    """
    if not links:
        return ""
    current = (shared or {}).get(reflection.pk) or {}
    action = getattr(reflection, "share_url", None) or reverse("clinic:share", args=[reflection.pk])
    hidden = (
        f'<input type="hidden" name="csrfmiddlewaretoken" '
        f'value="{escape(get_token(context["request"]))}">'
        f'<input type="hidden" name="next" value="{escape(back)}">'
    )
    items = "".join(_share_item(link, links, current, escape(action), hidden) for link in links)
    return _escaped_already(f'<ul class="share-list" aria-label="Sharing this answer">{items}</ul>')


def _share_item(link, links, current: dict, action: str, hidden: str) -> str:
    """One therapist's form; ``action`` and ``hidden`` are escaped already."""
    others = "".join(
        f'<input type="hidden" name="links" value="{int(other.pk)}">'
        for other in links
        if other.pk != link.pk and other.pk in current
    )
    name = escape(link.therapist.display_name)
    since = current.get(link.pk)
    if since:
        state = (
            f'<span class="share-list__status"><span aria-hidden="true">✓ </span>Shared with '
            f"{name} on {escape(when_text(since))}</span> "
            f'<button type="submit" class="link-button">Unshare<span class="visually-hidden"> '
            f"with {name}</span></button>"
        )
    else:
        state = (
            f'<input type="hidden" name="links" value="{int(link.pk)}"> '
            f'<button type="submit" class="secondary">Share with {name}</button>'
        )
    return (
        f'<li><form method="post" action="{action}" class="share-list__form">'
        f"{hidden}{others}{state}</form></li>"
    )


def _escaped_already(markup: str) -> str:
    """Markup from the tags above, built from ints and escape()d text only: safe as it is."""
    return mark_safe(markup)
