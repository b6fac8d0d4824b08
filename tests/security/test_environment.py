"""The process environment (where deployments keep their keys) never reaches stored data."""

import os
import wsgiref.handlers

from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from prodep.settings import read_dotenv
from tests.factories import make_user
from tests.live import LiveBrowser


def test_dotenv_is_read_into_settings_only(tmp_path, monkeypatch):
    """`make run`'s .env gives settings their values without putting them in os.environ,
    where runserver would copy them into every request's META."""
    monkeypatch.delenv("PRODEP_EXAMPLE_KEY", raising=False)
    dotenv = tmp_path / ".env"
    dotenv.write_text("# development keys\nPRODEP_EXAMPLE_KEY='s3cret'\nDEBUG=true\n")
    assert read_dotenv(dotenv) == {"PRODEP_EXAMPLE_KEY": "s3cret", "DEBUG": "true"}
    assert "PRODEP_EXAMPLE_KEY" not in os.environ


def test_a_request_stored_for_reauthentication_holds_no_environment_value(
    live_server, monkeypatch, course
):
    """When a POST needs the password again, allauth keeps the request (with its META) in
    the session. Under runserver META starts as a copy of the process environment: with the
    keys there, a copy of the session table gave the signing and reflection keys away."""
    secrets = [settings.SECRET_KEY, *settings.REFLECTION_KEYS]
    environment = {"SECRET_KEY": secrets[0], "REFLECTION_KEYS": ",".join(secrets[1:])}
    monkeypatch.setattr(
        wsgiref.handlers.BaseHandler,
        "os_environ",
        {**wsgiref.handlers.BaseHandler.os_environ, **environment},
    )
    reader = make_user("reader@example.com")
    browser = LiveBrowser(reader, recently_authenticated=False)
    status, page = browser.open(live_server.url + reverse("data_rights"))
    assert status == 200
    status, _ = browser.open(
        live_server.url + reverse("export_data"), {"csrfmiddlewaretoken": browser.csrf(page)}
    )
    assert status == 302  # to "confirm your password", the request kept in the session
    stored = [session.get_decoded() for session in Session.objects.all()]
    assert any("account_reauthentication_state" in str(data) for data in stored)
    for data in stored:
        for secret in secrets:
            assert secret not in str(data)
