import re

from django.urls import reverse

from tests.factories import make_user


def test_password_reset_by_link_sets_a_new_password(client, db, mailoutbox):
    make_user("reset@example.com")
    response = client.post(reverse("account_reset_password"), {"email": "reset@example.com"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^\s]+/accounts/password/reset/key/[^\s]+", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 302  # allauth moves the key into the session
    new = "a-brand-new-password-9"
    response = client.post(response.url, {"password1": new, "password2": new})
    assert response.status_code == 302
    assert client.login(email="reset@example.com", password=new)


def test_reset_email_subject_is_neutral(client, db, mailoutbox):
    make_user("reset@example.com")
    client.post(reverse("account_reset_password"), {"email": "reset@example.com"})
    subject = mailoutbox[0].subject.lower()
    for word in ("prodep", "betray", "addict", "infidel", "affair", "partner", "lesson"):
        assert word not in subject
