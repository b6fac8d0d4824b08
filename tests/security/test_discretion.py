"""No email the app sends names the subject matter or carries lesson or reflection text."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from prodep.clinic.actions import create_invitation, set_shares
from tests.factories import PASSWORD, answer, link, make_therapist, make_user, sign_in

# Short words must stand alone, so random codes and tokens ("XSEXA-…") cannot match by chance.
REVEALING = re.compile(
    r"prodep|codependen|betray|infidel|addict|trauma|partner|lesson"
    r"|\b(?:sex(?:ual)?|porn\w*|affairs?|cheat\w*)\b",
    re.IGNORECASE,
)
PRIVATE_TEXT = "the night I found the messages"


def assert_discreet(mailoutbox, expected_count):
    assert len(mailoutbox) >= expected_count
    for mail in mailoutbox:
        for part in (mail.subject, mail.body):
            assert not REVEALING.search(part), (mail.subject, part)
            assert PRIVATE_TEXT not in part
            assert "Lesson 1" not in part


def test_every_account_email_is_discreet(client, course, mailoutbox):
    client.post(
        reverse("account_signup"),
        {  # verification code
            "email": "new@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    make_user("known@example.com")
    client.post(reverse("account_reset_password"), {"email": "known@example.com"})  # reset
    client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})  # unknown
    client.__class__().post(
        reverse("account_signup"),
        {  # account already exists
            "email": "known@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    user = make_user("changer@example.com")
    other = client.__class__()
    sign_in(other, user)
    other.post(
        reverse("account_change_password"),
        {  # password changed notice
            "oldpassword": PASSWORD,
            "password1": "another-long-pass-7",
            "password2": "another-long-pass-7",
        },
    )
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert_discreet(mailoutbox, 5)


def test_clinic_emails_are_discreet(course, mailoutbox):
    therapist = make_therapist()
    therapist.email_updates = True
    therapist.save()
    create_invitation(
        therapist,
        email="client@example.com",
        message=f"About {PRIVATE_TEXT} and your partner's affair",
    )
    reader = make_user()
    care = link(therapist, reader)
    reflection = answer(reader, "p1", PRIVATE_TEXT)
    set_shares(reader, reflection, {care.pk})
    assert_discreet(mailoutbox, 2)


@pytest.mark.parametrize("path", ["/", "/home/", "/lessons/", "/journal/", "/settings/"])
def test_discreet_mode_keeps_every_title_neutral(client, course, path):
    user = make_user()
    user.profile.discreet_mode = True
    user.profile.save()
    client.force_login(user)
    response = client.get(path, follow=True)
    head = response.content.decode().split("</head>")[0]
    title = re.search(r"<title>(.*?)</title>", head, re.S).group(1)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', head).group(1)
    assert title == "Notes"
    assert icon.endswith("icon-neutral.svg")
    assert not REVEALING.search(title + icon)


def test_plain_text_emails_show_names_as_typed(course, mailoutbox):
    """Text mail is not HTML: O'Brien stays O'Brien, never O&#x27;Brien."""
    therapist = make_therapist()
    therapist.display_name = "Dr O'Brien & Sons <Practice>"
    therapist.email_updates = True
    therapist.save()
    create_invitation(therapist, email="client@example.com")
    reader = make_user()
    care = link(therapist, reader, "Sam O'Brien")
    set_shares(reader, answer(reader, "p1", "mine"), {care.pk})
    assert len(mailoutbox) == 2
    assert "Sam O'Brien shared a reflection" in mailoutbox[1].body
    for mail in mailoutbox:
        assert "&#x27;" not in mail.body and "&amp;" not in mail.body and "&lt;" not in mail.body


def _text_without_links(body: str) -> str:
    return re.sub(r"https?://\S+", "LINK", body)


def test_account_emails_name_neither_the_host_nor_the_site(client, course, mailoutbox):
    """allauth's bodies said "register an account on <host>": the text names no place at all."""
    host = "localhost:31337"
    client.defaults["HTTP_HOST"] = host
    client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    make_user("known@example.com")
    client.post(reverse("account_reset_password"), {"email": "known@example.com"})
    client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    client.__class__(HTTP_HOST=host).post(
        reverse("account_signup"),
        {"email": "known@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert len(mailoutbox) == 4
    for mail in mailoutbox:
        text = _text_without_links(mail.body)
        for name in ("localhost", "31337", "testserver", "example.org", "127.0.0.1"):
            assert name not in text, (mail.subject, mail.body)


def test_signing_in_does_not_show_the_address_on_screen(client, course):
    """Someone glancing at the screen of a shared device learns nothing from the greeting."""
    make_user("quiet.reader@example.com")
    response = client.post(
        reverse("account_login"),
        {"login": "quiet.reader@example.com", "password": PASSWORD},
        follow=True,
    )
    html = response.content.decode()
    assert "You are signed in." in html
    assert "quiet.reader@example.com" not in html
