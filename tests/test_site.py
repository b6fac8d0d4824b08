"""Landing page, headers, CSP nonces, error pages and the health check."""

import re

import pytest
from django.db import OperationalError
from django.urls import reverse

from tests.factories import make_user


def test_landing_page_says_what_prodep_is_and_is_not(client, db):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "not therapy" in html
    assert "crisis service" in html
    assert reverse("lessons:page", args=["crisis"]) in html


def test_signed_in_visitor_goes_from_landing_to_dashboard(client, db):
    client.force_login(make_user())
    assert client.get("/").url == reverse("dashboard")


def test_security_headers_are_sent(client, db):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "url", ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/safety/"]
)
def test_an_anonymous_visit_leaves_no_lasting_cookie(client, db, url):
    """A shared device keeps no trace of a visit once the browser closes: every cookie set for
    an anonymous visitor (the CSRF token on pages with a form) lives for the browser session."""
    response = client.get(url)
    assert response.status_code == 200
    for name, cookie in response.cookies.items():
        assert not cookie["max-age"] and not cookie["expires"], (name, cookie.output())
    if "csrfmiddlewaretoken" in response.content.decode():
        assert response.cookies, "a page with a form sets its CSRF cookie"


def test_csp_uses_a_fresh_nonce_and_no_unsafe_inline(client, db):
    first = client.get(reverse("account_login"))["Content-Security-Policy"]
    second = client.get(reverse("account_login"))["Content-Security-Policy"]
    assert "unsafe-inline" not in first
    assert "frame-ancestors 'none'" in first
    nonce = re.search(r"'nonce-([^']+)'", first)
    assert nonce
    assert nonce.group(1) not in second


POWERFUL_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb", "serial", "hid")


def test_powerful_browser_features_are_off(client, db):
    """No page needs the camera, microphone, location, payments or devices: a script that got
    in anyway could not ask for them. Passkeys (WebAuthn) stay allowed for the site itself."""
    for url in ("/", reverse("account_login"), "/no/such/page/"):
        policy = client.get(url)["Permissions-Policy"]
        directives = dict(item.strip().split("=", 1) for item in policy.split(","))
        for feature in POWERFUL_FEATURES:
            assert directives[feature] == "()", (url, feature)
        assert directives["publickey-credentials-get"] == "(self)"


def _script_tags(html: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", html)


def test_scripts_run_by_nonce_alone_on_every_kind_of_page(client, admin_client, course):
    """script-src has no 'self': a script runs only if the page gave it this response's nonce,
    so every script tag on the site's, allauth's and the admin's pages must carry it."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from tests.factories import sign_in

    anonymous_pages = ["/", reverse("account_login"), reverse("account_signup")]
    reader = make_user()
    RecoveryCodes.activate(reader)
    reader_pages = [
        reverse("dashboard"),
        reverse("lessons:lesson", args=["first", "lesson-1"]),
        reverse("account_email"),
        reverse("mfa_view_recovery_codes"),
        reverse("mfa_add_webauthn"),
    ]
    admin_pages = ["/admin/", "/admin/accounts/user/", f"/admin/accounts/user/{reader.pk}/change/"]
    seen = 0
    for pages, visitor in ((anonymous_pages, client.__class__()), (admin_pages, admin_client)):
        for url in pages:
            seen += _assert_nonced(visitor.get(url), url)
    sign_in(client, reader)
    for url in reader_pages:
        seen += _assert_nonced(client.get(url), url)
    assert seen > 10


def _assert_nonced(response, url) -> int:
    assert response.status_code == 200, url
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    nonce = re.search(r"'nonce-([^']+)'", script_src).group(1)
    assert "'self'" not in script_src
    scripts = [
        tag for tag in _script_tags(response.content.decode()) if "application/json" not in tag
    ]
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, (url, tag)
    return len(scripts)


def test_every_script_tag_is_an_external_file(client, db):
    html = client.get("/").content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag


def test_unknown_url_gets_the_styled_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Exit this page" in response.content


def test_server_error_page_shows_no_detail(client, db, settings):
    from django.test import Client

    def boom(request):
        raise RuntimeError("secret internal detail")

    settings.ROOT_URLCONF = "tests.urls_boom"
    import tests.urls_boom as module

    module.boom_view = boom
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"secret internal detail" not in response.content


def test_healthz_answers_ok_with_a_database_round_trip(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_down(client, db):
    from unittest import mock

    from django.db import connection

    with mock.patch.object(connection, "cursor", side_effect=OperationalError("refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/safety/"])
def test_every_page_has_the_exit_control_and_skip_link(client, db, path):
    html = client.get(path).content.decode()
    assert "data-exit-button" in html
    assert 'href="/exit/"' in html
    assert 'class="skip-link"' in html
    assert html.index('href="/exit/"') < html.index('href="#main"')  # first stop for the keyboard


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_skip_links_and_the_exit_sit_inside_landmarks(client, db, signed_in):
    """axe's "region" rule: nothing outside a landmark. Exit first, then skip to the content."""
    if signed_in:
        client.force_login(make_user())
    html = client.get(reverse("safety")).content.decode()
    body = html[html.index("<body") :]
    aside = re.search(
        r'<aside class="exit-this-page" aria-label="Exit this page"[^>]*>(.*?)</aside>', body, re.S
    )
    header = re.search(r'<header class="site-header">(.*?)</header>', body, re.S)
    assert 'class="skip-link"' in aside.group(1) and "exit-this-page__button" in aside.group(1)
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in header.group(1)
    assert body.index("<aside") < body.index("<header")  # the exit first in the tab order
    # The idle warning is a dialog, hidden until it is needed.
    outside = re.sub(
        r"<aside.*?</aside>|<header.*?</header>|<main.*?</main>|<footer.*?</footer>"
        r'|<div class="idle-warning" role="alertdialog".*?</div>\s*</div>',
        "",
        body,
        flags=re.S,
    )
    assert "<a " not in outside.split("<script")[0]
