"""Issue 14.4: a therapist's own route. Sign-in, a short welcome saying why two-factor sign-in is
required, set-up without a second password prompt, recovery codes with Download and Continue,
then the client list, which is a therapist's home from then on."""

import re
from urllib.parse import unquote

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse

from tests.factories import make_therapist, make_user, password_login, sign_in, totp_code

# allauth records a new authenticator once its transaction commits, inside the request.
pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def follow(client, response):
    assert response.status_code == 302, response.status_code
    return client.get(response.url)


def test_first_sign_in_walks_a_therapist_from_welcome_to_the_roster(course):
    therapist = make_therapist("new@example.com", mfa=False)
    client = Client()
    signed_in = password_login(client, therapist.user.email)
    assert signed_in.url == reverse("clinic:roster")  # not the reader's dashboard
    to_welcome = client.get(signed_in.url)
    assert to_welcome.url == reverse("clinic:welcome")

    welcome = client.get(to_welcome.url).content.decode()
    assert f"Welcome, {therapist.display_name}" in welcome
    assert "Why we ask" in welcome and "a password on its own never reaches" in welcome
    assert f'href="{reverse("mfa_activate_totp")}"' in welcome

    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200  # the sign-in just made counts: no "confirm access"
    html = setup.content.decode()
    assert "Set up your authenticator app" in html and "Turn on two-factor sign-in" in html
    secret = setup.context["form"].secret
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200 and "Incorrect code." in wrong.content.decode()

    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    codes_page = follow(client, done)
    html = codes_page.content.decode()
    assert "Save your recovery codes" in html
    assert 'type="checkbox"' not in html  # no tick box standing in the way
    codes = re.findall(r"<li><code>(\w+)</code></li>", html)
    assert len(codes) == 10
    download = re.search(r'download="recovery-codes.txt" href="data:[^,]*,([^"]*)"', html)
    assert unquote(download.group(1)).split() == codes
    continue_link = re.search(r'<a class="button" href="([^"]+)">Continue</a>', html)
    assert continue_link.group(1) == reverse("clinic:roster")

    roster = client.get(continue_link.group(1))
    assert roster.status_code == 200 and "Your clients" in roster.content.decode()
    again = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert not set(codes) & set(re.findall(r"\d{8}", again))  # shown once only


def test_a_therapist_with_an_app_lands_on_the_roster_after_the_code(course):
    therapist = make_therapist("set@example.com", mfa=False)
    TOTP.activate(therapist.user, SECRET)
    client = Client()
    assert password_login(client, therapist.user.email).url == reverse("mfa_authenticate")
    code_page = client.get(reverse("mfa_authenticate")).content.decode()
    assert "Enter your code" in code_page and code_page.count('type="submit"') == 2
    assert 'class="link-button">Cancel and sign out' in code_page  # Cancel is not a main button
    signed_in = client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)})
    assert signed_in.url == reverse("clinic:roster")
    assert client.get(signed_in.url).status_code == 200


def test_a_therapists_home_is_the_roster_with_the_course_a_link_away(client, therapist):
    sign_in(client, therapist.user)
    html = client.get(reverse("clinic:roster")).content.decode()
    assert f'<a class="brand" href="{reverse("clinic:roster")}">' in html
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S).group(1)
    assert ">Clients</a>" in nav and ">Home</a>" not in nav
    assert f'href="{reverse("lessons:catalogue")}">The course, for your own reading' in html
    assert client.get(reverse("landing")).url == reverse("clinic:roster")


def test_a_reader_still_lands_on_the_dashboard(client, course):
    reader = make_user("reader@example.com")
    assert password_login(client, reader.email).url == reverse("dashboard")
    html = client.get(reverse("dashboard")).content.decode()
    assert f'<a class="brand" href="{reverse("dashboard")}">' in html


def test_the_welcome_is_for_approved_therapists_before_set_up_only(client, course):
    set_up = make_therapist("done@example.com")
    sign_in(client, set_up.user)
    assert client.get(reverse("clinic:welcome")).url == reverse("clinic:roster")
    for outsider in (make_user(), make_therapist(status="pending", mfa=False).user):
        client.force_login(outsider)
        assert client.get(reverse("clinic:welcome")).status_code == 403
