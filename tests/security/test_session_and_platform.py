"""Session fixation, invalidation on password change and deactivation, logging, assets."""

import logging
import re
import smtplib
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, make_user, sign_in


def test_session_key_changes_at_log_in(db):
    client = Client()
    client.get(reverse("account_login"))
    client.cookies["__Host-sessionid"] = "attacker-chosen"
    make_user("fix@example.com")
    client.post(reverse("account_login"), {"login": "fix@example.com", "password": PASSWORD})
    assert client.cookies["__Host-sessionid"].value != "attacker-chosen"


def test_changing_the_password_ends_other_sessions(db):
    user = make_user()
    elsewhere, here = Client(), Client()
    elsewhere.force_login(user)
    sign_in(here, user)
    here.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-password-5",
            "password2": "a-new-long-password-5",
        },
    )
    assert elsewhere.get(reverse("dashboard")).status_code == 302


def test_a_deactivated_account_loses_its_sessions(db):
    user = make_user()
    client = Client()
    client.force_login(user)
    user.is_active = False
    user.save()
    assert client.get(reverse("dashboard")).status_code == 302


def test_every_asset_is_served_by_the_site_itself(client, db):
    client.force_login(make_user())
    for path in ("/", "/home/", "/accounts/login/", "/safety/"):
        html = (
            Client().get(path).content.decode()
            if path != "/home/"
            else client.get(path).content.decode()
        )
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            if url.startswith(("http://", "https://", "//")):
                # Only outbound links are allowed off-site, never scripts or styles.
                assert not url.endswith((".js", ".css")), url


def test_security_events_are_logged_without_secrets(client, db, caplog):
    make_user("log@example.com")
    with caplog.at_level(logging.INFO, logger="prodep.security"):
        client.post(reverse("account_login"), {"login": "log@example.com", "password": "wrong"})
        client.post(reverse("account_login"), {"login": "log@example.com", "password": PASSWORD})
    text = caplog.text
    assert "login failed" in text and "login user=" in text
    assert "wrong" not in text and PASSWORD not in text and "log@example.com" not in text


def test_a_mail_server_outage_does_not_break_sign_up(client, db):
    with mock.patch(
        "django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPConnectError(421, "down")
    ):
        response = client.post(
            reverse("account_signup"),
            {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
            follow=True,
        )
    assert response.status_code == 200
    assert b"could not send an email just now" in response.content


def test_no_model_change_lacks_a_migration(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
