"""The idle timeout and "last seen" stay right while most requests write nothing."""

import re

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user

pytestmark = pytest.mark.django_db

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)", re.IGNORECASE)


@pytest.fixture
def reader(client):
    user = make_user("upkeep@example.com")
    client.force_login(user)
    client.get(reverse("safety"))  # the first signed-in request records the session
    return user


def writes_during(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries if WRITES.match(q["sql"])]


def expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_quick_second_request_writes_nothing(client, reader):
    assert writes_during(client, reverse("safety")) == []


def test_a_request_a_minute_later_extends_the_session_and_last_seen(client, reader):
    before = expiry(client)
    seen = UserSession.objects.get(user=reader).last_seen_at
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=61)):
        writes = writes_during(client, reverse("safety"))
    assert any("django_session" in sql for sql in writes)
    assert any("usersessions_usersession" in sql for sql in writes)
    assert (expiry(client) - before).total_seconds() >= 60
    assert UserSession.objects.get(user=reader).last_seen_at > seen


def test_steady_activity_keeps_a_session_alive_past_the_idle_timeout(client, reader):
    start = timezone.now()
    for minutes in (10, 20, 30, 40, 50):
        with time_machine.travel(start + timezone.timedelta(minutes=minutes)):
            assert client.get(reverse("dashboard")).status_code == 200, minutes


def test_a_quiet_session_ends_within_a_minute_of_the_idle_timeout(client, reader):
    start = timezone.now()
    with time_machine.travel(start + timezone.timedelta(seconds=30)):
        client.get(reverse("dashboard"))  # within the minute: not saved, expiry unchanged
    idle = settings.SESSION_COOKIE_AGE
    with time_machine.travel(start + timezone.timedelta(seconds=idle + 1)):
        assert client.get(reverse("dashboard")).status_code == 302


def test_stay_signed_in_restarts_the_idle_timeout_at_once(client, reader):
    before = expiry(client)
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=20)):
        assert client.post(reverse("keepalive")).status_code == 200
    assert (expiry(client) - before).total_seconds() >= 19


def test_the_page_tells_the_browser_the_time_really_left(client, reader):
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=30)):
        html = client.get(reverse("dashboard")).content.decode()
    left = int(re.search(r'data-idle-seconds="(\d+)"', html).group(1))
    assert settings.SESSION_COOKIE_AGE - 32 <= left <= settings.SESSION_COOKIE_AGE - 28


def test_a_new_browser_or_address_is_recorded_at_once(client, reader):
    client.get(reverse("safety"), HTTP_USER_AGENT="Another browser", REMOTE_ADDR="10.1.2.3")
    row = UserSession.objects.get(user=reader)
    assert (row.user_agent, row.ip) == ("Another browser", "10.1.2.3")


def test_anonymous_visits_make_no_session(client, db):
    client.get(reverse("landing"))
    client.get(reverse("safety"))
    assert not Session.objects.exists()
