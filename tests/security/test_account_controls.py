"""Two-factor sign-in, reauthentication, session limits and sign-out hygiene."""

import time

import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from prodep.accounts.middleware import SIGNED_IN_AT
from tests.factories import PASSWORD, make_user, sign_in, totp_code

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_totp_secret_is_encrypted_at_rest_and_login_still_works(client, db):
    user = make_user("mfa@example.com")
    TOTP.activate(user, SECRET)
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE user_id = %s", [user.pk])
        raw = str(cursor.fetchone()[0])
    assert SECRET not in raw
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_totp_code_cannot_be_used_twice(client, db):
    user = make_user("mfa@example.com")
    TOTP.activate(user, SECRET)
    code = totp_code(SECRET)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": code})
    other = client.__class__()
    other.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    response = other.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200  # the form again, with an error
    assert other.get(reverse("dashboard")).status_code == 302


def test_passkeys_and_no_trusted_browsers(client, db):
    assert "webauthn" in settings.MFA_SUPPORTED_TYPES
    assert settings.MFA_PASSKEY_LOGIN_ENABLED and settings.MFA_RECOVERY_CODES_SHOW_ONCE
    assert settings.MFA_TRUST_ENABLED is False
    html = client.get(reverse("account_login")).content.decode()
    assert "passkey" in html.lower()
    assert "trust" not in html.lower()


def test_staff_without_two_factor_are_sent_to_set_it_up(client, db):
    staff = make_user(is_staff=True)
    client.force_login(staff)
    for url in ("/admin/", reverse("lessons:preview_index"), reverse("dashboard")):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_admin_login_goes_through_the_sites_own_login(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    client.force_login(make_user())
    assert client.get("/admin/login/").status_code == 403


def test_sensitive_actions_need_a_recent_password(client, db):
    user = make_user()
    client.force_login(user)  # signed in, but not recently by password
    for url in (reverse("export_data"), reverse("delete_account")):
        response = client.post(url, {"confirm": "delete"})
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_reauthenticate"))
    assert type(user).objects.filter(pk=user.pk).exists()
    sign_in(client, user)
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=301)):
        response = client.post(reverse("export_data"))
        assert response.url.startswith(reverse("account_reauthenticate"))


def test_idle_sessions_end(client, db):
    client.force_login(make_user())
    assert client.get(reverse("dashboard")).status_code == 200
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=31)):
        assert client.get(reverse("dashboard")).status_code == 302


def test_sessions_end_after_an_absolute_lifetime_however_active(client, db):
    client.force_login(make_user())
    client.get(reverse("dashboard"))
    session = client.session
    session[SIGNED_IN_AT] = time.time() - settings.SESSION_ABSOLUTE_HOURS * 3600 - 1
    session.save()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and reverse("account_login") in response.url
    assert client.get(reverse("dashboard")).status_code == 302


def test_sessions_end_when_the_browser_closes_and_cookies_are_host_only_in_production():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_NAME == "__Host-sessionid"
    assert settings.CSRF_COOKIE_NAME == "__Host-csrftoken"
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE


def test_sign_out_clears_site_data(client, db):
    client.force_login(make_user())
    response = client.post(reverse("account_logout"))
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'


def test_keepalive_refreshes_a_live_session_only(client, db):
    assert client.post(reverse("keepalive")).status_code == 401
    client.force_login(make_user())
    response = client.post(reverse("keepalive"))
    assert response.status_code == 200 and response.json()["signed_in"] is True
    assert client.get(reverse("keepalive")).status_code == 405


def test_signed_in_pages_carry_the_idle_warning(client, db):
    client.force_login(make_user())
    html = client.get(reverse("dashboard")).content.decode()
    assert 'data-idle-seconds="1800"' in html
    assert "data-idle-warning" in html and "js/session.js" in html


def test_ending_other_sessions_and_changing_email_need_a_recent_password(client, db):
    user = make_user()
    client.force_login(user)
    assert client.get(reverse("usersessions_list")).status_code == 200
    for url, data in (
        (reverse("usersessions_list"), {}),
        (reverse("account_email"), {"action_add": "", "email": "n@example.com"}),
    ):
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_reauthenticate")), url
    assert not user.emailaddress_set.filter(email="n@example.com").exists()


def test_every_page_linked_from_settings_renders(client, db):
    import re

    sign_in(client, make_user())
    html = client.get(reverse("account_settings")).content.decode()
    main = html.split("<main")[1].split("</main>")[0]
    links = re.findall(r'<a href="(/[^"]*)"', main)
    assert len(links) >= 8
    for url in links:
        assert client.get(url).status_code == 200, url
