"""Times in the reader's zone: detected by the browser, chosen in Settings, shown everywhere,
and UTC named as such while the zone is unknown."""

import io
import json
import re
import zipfile
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from prodep.accounts.models import Profile
from prodep.accounts.templatetags.when import ago
from prodep.accounts.timezones import clock_text, day_text, when_text
from prodep.journal.models import Reflection
from tests.factories import answer, make_course, make_user, sign_in, sync

URL = reverse("time_zone")
LOS_ANGELES = "America/Los_Angeles"
# 02:56 UTC on 1 December is 18:56 on 30 November in Los Angeles: another day.
SAVED = datetime(2026, 12, 1, 2, 56, tzinfo=UTC)


@pytest.fixture
def reader(client, content_dir, db):
    make_course(content_dir, lessons=1)
    sync(content_dir)
    user = make_user()
    with time_machine.travel(SAVED, tick=False):
        answer(user, "p1", "Written late.")
    client.force_login(user)
    return user


def zone_of(user) -> tuple[str, bool]:
    profile = Profile.objects.get(user=user)
    return profile.time_zone, profile.time_zone_chosen


def set_zone(user, name: str, chosen: bool = False) -> None:
    Profile.objects.filter(user=user).update(time_zone=name, time_zone_chosen=chosen)


def report(client, name: str):
    """What static/js/timezone.js sends."""
    return client.post(
        URL, {"time_zone": name, "detected": "on"}, headers={"accept": "application/json"}
    )


LESSON = reverse("lessons:lesson", args=["first", "lesson-1"])


def test_a_lesson_shows_the_saved_time_in_the_readers_zone(client, reader):
    set_zone(reader, LOS_ANGELES)
    html = client.get(LESSON).content.decode()
    assert "last saved 30 Nov 2026, 18:56." in html


def test_without_a_known_zone_the_page_says_utc(client, reader):
    html = client.get(LESSON).content.decode()
    assert "last saved 1 Dec 2026, 02:56 UTC." in html


def test_the_journal_uses_the_zone_too(client, reader):
    set_zone(reader, LOS_ANGELES)
    assert "Last edited 30 Nov 2026, 18:56" in client.get(reverse("journal:index")).content.decode()


def test_the_browser_reports_its_zone_and_it_is_stored(client, reader):
    response = report(client, LOS_ANGELES)
    assert response.status_code == 200 and response.json() == {"ok": True, "changed": True}
    assert zone_of(reader) == (LOS_ANGELES, False)
    assert report(client, LOS_ANGELES).json()["changed"] is False  # the same again: nothing


def test_the_browser_never_replaces_a_zone_chosen_in_settings(client, reader):
    set_zone(reader, "Europe/London", chosen=True)
    assert report(client, LOS_ANGELES).json()["changed"] is False
    assert zone_of(reader) == ("Europe/London", True)


def test_an_unknown_zone_from_the_browser_changes_nothing(client, reader):
    set_zone(reader, LOS_ANGELES)
    response = report(client, "Mars/Olympus")
    assert response.status_code == 400
    assert (
        response.json()["error"] == "That time zone was not recognised. Choose one from the list."
    )
    assert zone_of(reader) == (LOS_ANGELES, False)


def test_settings_offers_every_zone_and_stores_the_choice(client, reader):
    html = client.get(reverse("account_settings")).content.decode()
    assert (
        '<option value="" selected>Automatic: the time zone of the device you use</option>' in html
    )
    assert '<option value="America/Los_Angeles">America/Los Angeles</option>' in html
    assert "Times are shown in UTC until we know your time zone." in html
    response = client.post(URL, {"time_zone": "Europe/London"}, follow=True)
    assert "Times are now shown for Europe/London." in response.content.decode()
    assert zone_of(reader) == ("Europe/London", True)
    assert "Times are shown for <strong>Europe/London</strong>." in response.content.decode()

    client.post(URL, {"time_zone": ""})  # back to automatic: the browser's report applies again
    assert zone_of(reader) == ("Europe/London", False)
    report(client, LOS_ANGELES)
    assert zone_of(reader) == (LOS_ANGELES, False)


def test_a_bad_choice_in_settings_gets_a_message_beside_the_field(client, reader):
    set_zone(reader, LOS_ANGELES, chosen=True)
    response = client.post(URL, {"time_zone": "Nowhere/At_All"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_time_zone_error"' in html
    assert "That time zone was not recognised. Choose one from the list." in html
    assert zone_of(reader) == (LOS_ANGELES, True)


def test_the_model_refuses_an_unknown_zone(db):
    profile = make_user().profile
    profile.time_zone = "Mars/Olympus"
    with pytest.raises(ValidationError):
        profile.full_clean()


def test_time_zone_is_post_only_and_needs_a_sign_in(client, db):
    assert client.post(URL, {"time_zone": LOS_ANGELES}).status_code == 302
    client.force_login(make_user())
    assert client.get(URL).status_code == 405


def test_the_page_asks_the_browser_only_while_the_zone_is_automatic(client, reader):
    html = client.get(reverse("dashboard")).content.decode()
    assert f'data-time-zone="" data-time-zone-url="{URL}"' in html
    script = re.search(r'<script src="[^"]*timezone\.js"[^>]*>', html).group()
    assert "nonce=" in script and "defer" in script
    set_zone(reader, "Europe/London", chosen=True)
    html = client.get(reverse("dashboard")).content.decode()
    assert "data-time-zone-url" not in html and "timezone.js" not in html


def test_activating_the_zone_costs_no_query(client, reader, django_assert_num_queries):
    client.get(reverse("dashboard"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as without_zone:
        client.get(reverse("dashboard"))
    set_zone(reader, LOS_ANGELES)
    with django_assert_num_queries(len(without_zone)):
        client.get(reverse("dashboard"))


def test_autosave_answers_with_the_time_in_the_readers_zone(client, reader):
    set_zone(reader, LOS_ANGELES)
    version = Reflection.objects.get(user=reader).version
    with time_machine.travel(SAVED, tick=False):
        response = client.post(
            reverse("journal:save", args=["p1"]),
            {"text": "Later.", "version": version},
            headers={"accept": "application/json"},
        )
    assert response.json()["saved_at_label"] == "18:56"
    set_zone(reader, "")
    with time_machine.travel(SAVED, tick=False):
        response = client.post(
            reverse("journal:save", args=["p1"]),
            {"text": "Later still.", "version": version + 1},
            headers={"accept": "application/json"},
        )
    assert response.json()["saved_at_label"] == "02:56 UTC"


def test_the_readable_download_gives_dates_in_the_readers_zone(client, reader):
    set_zone(reader, LOS_ANGELES)
    sign_in(client, reader)
    response = client.post(reverse("export_data"))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        readable = archive.read("my-data.md").decode()
        data = json.loads(archive.read("my-data.json"))
    assert "Times are in America/Los_Angeles." in readable
    assert "*Lesson 1, last edited 30 November 2026, 18:56*" in readable
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", readable)  # no raw ISO timestamps
    assert data["account"]["time_zone"] == LOS_ANGELES
    assert data["reflections"][0]["updated_at"] == "2026-12-01T02:56:00+00:00"


def test_security_emails_give_the_time_in_the_readers_zone_and_the_browser_in_words(
    client, reader, mailoutbox
):
    set_zone(reader, LOS_ANGELES)
    sign_in(client, reader)
    android = (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36"
    )
    with time_machine.travel(SAVED, tick=False):
        client.post(
            reverse("account_change_password"),
            {
                "oldpassword": "a-long-test-password-1",
                "password1": "another-long-password-2",
                "password2": "another-long-password-2",
            },
            headers={"user-agent": android},
        )
    [mail] = mailoutbox
    assert "- When: 30 November 2026, 18:56 (America/Los_Angeles)" in mail.body
    assert "- Browser: Chrome on Android" in mail.body


@pytest.mark.parametrize("month", range(1, 13))
def test_times_read_as_djangos_date_format_would_write_them(month):
    moment = datetime(2026, month, 3, 7, 5, tzinfo=UTC)
    with timezone.override("Asia/Kolkata"):  # +05:30: the minutes move too
        local = timezone.localtime(moment)
        assert when_text(moment) == date_format(local, "j M Y, H:i")
        assert clock_text(moment) == date_format(local, "H:i")
        assert day_text(moment) == date_format(local, "j M Y")
        assert day_text(moment.date()) == date_format(moment.date(), "j M Y")
    with timezone.override("UTC"):
        assert when_text(moment) == date_format(moment, "j M Y, H:i") + " UTC"
    late = datetime(2026, month, 3, 23, 30, tzinfo=UTC)  # already the 4th in Kolkata
    with timezone.override("Asia/Kolkata"):
        assert day_text(late) == date_format(timezone.localtime(late), "j M Y")


@pytest.mark.parametrize("value", [None, "", "not a date", 42])
def test_a_missing_or_unreadable_time_shows_nothing_rather_than_an_error(value):
    assert when_text(value) == ""
    assert day_text(value) == ""
    assert ago(value) == ""


def test_a_moment_within_the_last_minute_is_just_now():
    assert ago(timezone.now()) == "just now"


def test_a_time_without_a_zone_is_read_as_utc():
    with timezone.override("UTC"):
        assert when_text(datetime(2026, 12, 1, 18, 56)) == "1 Dec 2026, 18:56 UTC"
