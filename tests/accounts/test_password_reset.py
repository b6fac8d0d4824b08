import re

from django.urls import reverse

from tests.factories import PASSWORD, make_user


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


def _links(mailoutbox) -> list[str]:
    return [link for mail in mailoutbox for link in re.findall(r"https?://\S+", mail.body)]


def test_emailed_links_use_site_url_whatever_the_host_header(client, db, mailoutbox, settings):
    """``Host: localhost:31337`` (allowed: Django's host check ignores the port) put that
    address in the reset link; every emailed link is built on SITE_URL instead."""
    settings.SITE_URL = "https://prodep.example.org"
    client.defaults["HTTP_HOST"] = "localhost:31337"
    make_user("known@example.com")
    client.post(reverse("account_reset_password"), {"email": "known@example.com"})
    client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    client.post(  # "you already have an account", with a reset link
        reverse("account_signup"),
        {"email": "known@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert len(mailoutbox) == 3
    links = _links(mailoutbox)
    assert len(links) == 3  # reset, sign-up (unknown address), reset (account exists)
    for link in links:
        assert link.startswith("https://prodep.example.org/"), link
    assert not [mail for mail in mailoutbox if "31337" in mail.body or "localhost" in mail.body]


def test_without_site_url_links_follow_the_address_the_visitor_used(client, db, mailoutbox):
    """Development: the request's own scheme and host (already checked by ALLOWED_HOSTS)."""
    make_user("known@example.com")
    client.post(
        reverse("account_reset_password"),
        {"email": "known@example.com"},
        HTTP_HOST="localhost:8311",
    )
    assert _links(mailoutbox)[0].startswith("http://localhost:8311/accounts/password/reset/key/")
