"""allauth's account pages in Prodep's voice: sentence case, one primary action, field help a
screen reader hears; the sessions page in words; a confirmation after signing out."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prodep.accounts.devices import describe_device
from prodep.accounts.models import Profile
from tests.factories import PASSWORD, make_user, sign_in

VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "area", "col", "embed"}


class Elements(HTMLParser):
    """Each element's tag, attributes and text (its own and its children's)."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[dict] = []
        self._open: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data

    def by_id(self, id_: str) -> dict | None:
        return next((e for e in self.elements if e["attrs"].get("id") == id_), None)

    def all(self, tag: str, **attrs) -> list[dict]:
        return [
            e
            for e in self.elements
            if e["tag"] == tag and all(e["attrs"].get(k) == v for k, v in attrs.items())
        ]


ANONYMOUS = ["account_login", "account_signup", "account_reset_password"]
SIGNED_IN = ["account_email", "account_change_password", "account_logout", "usersessions_list"]


def page(client, name: str) -> Elements:
    response = client.get(reverse(name))
    assert response.status_code == 200, name
    return Elements(response.content.decode())


def sentence_case(text: str) -> bool:
    """ "Create an account", not "Create An Account": no capital after the first word, except
    a name like Prodep."""
    words = text.split()[1:]
    return not any(w[0].isupper() for w in words if w not in {"Prodep", "UTC"})


@pytest.fixture
def reader(client, db):
    user = make_user("reader@example.com")
    sign_in(client, user)
    return user


def check_account_page(html: Elements, name: str) -> None:
    [heading] = html.all("h1")
    assert sentence_case(heading["text"].strip()), (name, heading["text"])
    for button in html.all("button"):
        assert sentence_case(button["text"].strip()), (name, button["text"])
    for element in html.elements:  # every description a screen reader is pointed at says something
        for target in element["attrs"].get("aria-describedby", "").split():
            described = html.by_id(target)
            assert described and described["text"].strip(), (name, target)


@pytest.mark.parametrize("name", ANONYMOUS)
def test_anonymous_account_pages_read_like_prodep(client, db, name):
    check_account_page(page(client, name), name)


@pytest.mark.parametrize("name", SIGNED_IN)
def test_signed_in_account_pages_read_like_prodep(client, reader, name):
    check_account_page(page(client, name), name)


def test_sign_up_reads_the_password_rules_to_screen_readers(client, db):
    html = page(client, "account_signup")
    password = html.by_id("id_password1")
    rules = html.by_id(password["attrs"]["aria-describedby"])
    assert rules["tag"] == "div"  # a list of rules may sit in a div, not in a span in a <p>
    assert "at least 10 characters" in rules["text"]
    assert not re.search(r"<span[^>]*>\s*<ul", client.get(reverse("account_signup")).text)


def test_sign_up_errors_are_next_to_the_field_and_described(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "x@example.com", "password1": "short", "password2": "short"},
    )
    html = Elements(response.content.decode())
    password = html.by_id("id_password1")
    assert password["attrs"]["aria-invalid"] == "true"
    error = html.by_id("id_password1_error")
    assert "too short" in error["text"]
    assert "id_password1_error" in password["attrs"]["aria-describedby"]


def code_page(client, mailoutbox) -> Elements:
    client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    return Elements(client.get(reverse("account_email_verification_sent")).content.decode())


def test_the_code_page_has_one_primary_action_and_cancel_as_a_plain_link(client, db, mailoutbox):
    html = code_page(client, mailoutbox)
    check_account_page(html, "code")
    [heading] = html.all("h1")
    assert heading["text"] == "Check your email"
    buttons = [b for b in html.all("button") if b["attrs"].get("form") != "mfa_login"]
    primary = [b for b in buttons if not b["attrs"].get("class")]
    assert [b["text"] for b in primary] == ["Confirm"]
    plain = {b["text"] for b in buttons if b["attrs"].get("class") == "link-button"}
    assert plain == {"Send a new code", "Cancel"}
    assert "new@example.com" in html.by_id("main")["text"]


ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.mark.parametrize(
    "agent, words",
    [
        (ANDROID, "Chrome on Android"),
        (IPHONE, "Safari on iOS"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox on Windows",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
            "Gecko) Version/17.5 Safari/605.1.15",
            "Safari on macOS",
        ),
        ("curl/8.0", "curl"),
        ("", "An unknown browser"),
        ("\x00<script>", "An unknown browser"),
    ],
)
def test_a_browser_is_described_in_words(agent, words):
    assert describe_device(agent) == words


def test_the_sessions_page_names_each_device_in_words(client, reader):
    client.get(reverse("dashboard"), headers={"user-agent": ANDROID})  # this session, tracked
    phone = Client(headers={"user-agent": IPHONE})
    phone.force_login(reader)
    phone.get(reverse("dashboard"))
    other = UserSession.objects.exclude(session_key=client.session.session_key)
    other.update(last_seen_at=timezone.now() - timedelta(hours=2, minutes=5))
    response = client.get(reverse("usersessions_list"), headers={"user-agent": ANDROID})
    html = Elements(response.content.decode())
    lines = [p["text"].strip() for p in html.all("p", **{"class": "session-list__device"})]
    assert lines == [
        "Chrome on Android · this device · active now",
        "Safari on iOS · last active 2\xa0hours ago",
    ]
    assert ANDROID not in response.content.decode()  # no raw user-agent string
    assert "Sign out everywhere else" in response.content.decode()


def test_signing_out_says_so(client, reader):
    response = client.post(reverse("account_logout"), follow=True)
    assert response.redirect_chain == [(reverse("signed_out"), 302)]
    html = response.content.decode()
    assert "<h1>You are signed out</h1>" in html
    assert "<title>Signed out · Prodep</title>" in html
    assert "answers are kept safe" in html


def test_signing_out_in_discreet_mode_says_it_neutrally(client, reader):
    Profile.objects.filter(user=reader).update(discreet_mode=True)
    response = client.post(reverse("account_logout"), follow=True)
    assert response.redirect_chain == [(f"{reverse('signed_out')}?discreet=1", 302)]
    html = response.content.decode()
    assert "<h1>You are signed out</h1>" in html
    assert "<title>Notes</title>" in html
    assert "Prodep" not in Elements(html).by_id("main")["text"]
    assert "answers" not in html


def test_the_signed_out_page_sends_a_signed_in_visitor_home(client, reader):
    assert client.get(reverse("signed_out")).url == reverse("dashboard")
