"""Sign-up by email, verification by code, log-in and POST-only log-out."""

import re

from django.urls import reverse

from prodep.accounts.models import User
from tests.factories import PASSWORD, make_user


def _code_from(mail) -> str:
    match = re.search(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]+)*)\s*$", mail.body, re.MULTILINE)
    assert match, mail.body
    return match.group(1)


def test_sign_up_verify_by_code_log_out_and_log_in(client, db, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert len(mailoutbox) == 1
    code = _code_from(mailoutbox[0])

    response = client.post(reverse("account_email_verification_sent"), {"code": code})
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.emailaddress_set.get().verified
    assert client.get(reverse("dashboard")).status_code == 200

    assert client.get(reverse("account_logout")).status_code == 200  # a confirmation page only
    assert client.get(reverse("dashboard")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("dashboard")).status_code == 302

    response = client.post(
        reverse("account_login"), {"login": "new@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_wrong_verification_code_is_refused(client, db, mailoutbox):
    client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    response = client.post(reverse("account_email_verification_sent"), {"code": "WRONG-CODE"})
    assert response.status_code == 200
    assert not User.objects.get(email="new@example.com").emailaddress_set.get().verified


def test_unverified_account_cannot_reach_the_dashboard(client, db, mailoutbox):
    make_user("late@example.com", verified=False)
    response = client.post(
        reverse("account_login"), {"login": "late@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert client.get(reverse("dashboard")).status_code == 302


def test_signup_form_asks_for_no_username(client, db):
    html = client.get(reverse("account_signup")).content.decode()
    assert 'name="email"' in html
    assert 'name="username"' not in html


def test_passwords_are_hashed_with_argon2_by_default(db, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = make_user()
    assert user.password.startswith("argon2")
