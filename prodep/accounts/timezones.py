"""The reader's time zone: which names are valid, and which zone a request is shown in.

Times are stored in UTC. Each page shows them in the reader's zone: detected by the browser
(``static/js/timezone.js``) or chosen in Settings, kept on the profile, and activated per
request by ``SignedInMiddleware``. Until it is known, pages show UTC and say so.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime
from functools import cache

from django.core.exceptions import ValidationError
from django.utils import timezone

UTC_NAMES = frozenset({"UTC", "Etc/UTC"})


@cache
def available_time_zones() -> tuple[str, ...]:
    """Every zone this machine knows, in the order Settings lists them (region, then city)."""
    return tuple(sorted(zoneinfo.available_timezones() - {"localtime", "Factory"}))


def validate_time_zone(name: str) -> None:
    if name and name not in available_time_zones():
        raise ValidationError(
            "That time zone was not recognised. Choose one from the list.", code="time_zone"
        )


@cache
def zone(name: str) -> zoneinfo.ZoneInfo | None:
    """The zone for a stored name, or None when the name is empty or no longer known."""
    if not name or name not in available_time_zones():
        return None
    return zoneinfo.ZoneInfo(name)


def zone_of(user) -> zoneinfo.ZoneInfo | None:
    """The user's zone from their profile (loaded with the user: no query), or None."""
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    return zone(profile.time_zone) if profile is not None else None


def local(value) -> datetime | None:
    """An aware datetime (or the ISO text the data export holds) in the active zone."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return timezone.localtime(value)


def _utc_named(text: str) -> str:
    return f"{text} UTC" if timezone.get_current_timezone_name() in UTC_NAMES else text


# The site is written in English only. Formatting by hand, not with Django's date formatter,
# matters on pages that show a time per row (the journal, the client page).
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(value) -> str:
    """ "1 Dec 2026": a date as it is, a moment in the active zone (as ``|date:"j M Y"``)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    else:
        moment = local(value)
        if moment is None:
            return ""
        day = moment.date()
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def when_text(value) -> str:
    """ "1 Dec 2026, 10:56" in the active zone; "1 Dec 2026, 18:56 UTC" when it is UTC."""
    moment = local(value)
    if moment is None:
        return ""
    day = f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"
    return _utc_named(f"{day}, {moment.hour:02d}:{moment.minute:02d}")


def clock_text(value) -> str:
    """ "10:56" in the active zone; "18:56 UTC" when it is UTC."""
    moment = local(value)
    return _utc_named(f"{moment.hour:02d}:{moment.minute:02d}") if moment else ""
