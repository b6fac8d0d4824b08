"""Issue 16.2: two-factor sign-in counts in the session that used it, not in every session of
the account. Attacker's side, over HTTP with two test clients: session A signed in with the
password alone; session B, the same account elsewhere, sets up an authenticator app."""

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prodep.accounts.two_factor import has_two_factor
from tests.factories import (
    PASSWORD,
    add_totp,
    make_author,
    make_therapist,
    make_user,
    password_login,
    sign_in,
    totp_code,
)

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
THERAPIST_PAGES = ("/clinic/", "/clinic/invitations/")
STAFF_PAGES = ("/preview/", "/admin/")


# allauth announces a new authenticator once its transaction commits, inside the request: the
# tests run with real transactions so that happens as it does in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def activate_totp():
    return _activate_totp


def _activate_totp(client) -> str:
    """Set up an authenticator app the way the page does it; returns its secret."""
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200, "set-up straight after sign-in asks for no password again"
    secret = page.context["form"].secret
    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert done.status_code == 302 and done.url == reverse("mfa_view_recovery_codes")
    return secret


def is_let_in(response) -> bool:
    return response.status_code == 200


def is_signed_out(client) -> bool:
    response = client.get(reverse("dashboard"))
    return response.status_code == 302 and reverse("account_login") in response.url


@pytest.fixture
def therapist(course):
    return make_therapist("therapist@example.com", mfa=False)


@pytest.fixture
def people(therapist):
    staff = make_user("staff@example.com", is_staff=True, is_superuser=True)
    return {"therapist": therapist.user, "staff": staff}


@pytest.mark.parametrize("who, pages", [("therapist", THERAPIST_PAGES), ("staff", STAFF_PAGES)])
def test_a_password_only_session_stays_refused_after_two_factor_is_set_up_elsewhere(
    people, activate_totp, who, pages
):
    email = people[who].email
    session_a, session_b = Client(), Client()
    assert password_login(session_a, email).status_code == 302
    for page in pages:
        assert not is_let_in(session_a.get(page))  # sent to set up two-factor sign-in first

    assert password_login(session_b, email).status_code == 302
    activate_totp(session_b)
    for page in pages:
        assert is_let_in(session_b.get(page)), page  # setting it up here counts here

    assert is_signed_out(session_a)  # the account's other sessions ended
    for page in pages:
        assert not is_let_in(session_a.get(page)), page


@pytest.mark.parametrize("who, pages", [("therapist", THERAPIST_PAGES), ("staff", STAFF_PAGES)])
def test_a_session_that_survives_is_asked_for_a_code_not_let_in(people, who, pages):
    """Defence in depth: an authenticator added without allauth's flow (the admin, a shell) ends
    no session, and the gate alone still refuses the password-only session."""
    user = people[who]
    session_a = Client()
    password_login(session_a, user.email)
    TOTP.activate(user, SECRET)
    for page in pages:
        response = session_a.get(page)
        assert response.status_code == 302, page
        assert response.url == f"{reverse('mfa_reauthenticate')}?next={page.replace('/', '%2F')}"
    entered = session_a.post(
        f"{reverse('mfa_reauthenticate')}?next={pages[0]}", {"code": totp_code(SECRET)}
    )
    assert entered.status_code == 302 and entered.url == pages[0]
    assert is_let_in(session_a.get(pages[0]))


def test_removing_the_authenticator_ends_other_sessions_and_its_use_here(therapist):
    TOTP.activate(therapist.user, SECRET)
    elsewhere, here = Client(), Client()
    password_login(elsewhere, therapist.user.email)
    elsewhere.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)})
    # A code works once: the second sign-in uses the app's next one, half a minute on.
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=30), tick=False):
        password_login(here, therapist.user.email)
        here.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)})
        assert is_let_in(elsewhere.get("/clinic/")) and is_let_in(here.get("/clinic/"))
        here.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert here.post(reverse("mfa_deactivate_totp")).status_code == 302
        assert not Authenticator.objects.filter(user=therapist.user).exists()
        assert is_signed_out(elsewhere)
        again = here.get("/clinic/")
        assert again.status_code == 302 and again.url == reverse("clinic:welcome")


def test_set_up_right_after_sign_in_needs_no_password_but_a_later_one_does(therapist):
    client = Client()
    password_login(client, therapist.user.email)
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    later = timezone.now() + timezone.timedelta(minutes=6)
    with time_machine.travel(later):
        response = client.get(reverse("mfa_activate_totp"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_reauthenticate"))


def test_turning_two_factor_off_still_asks_for_the_password(therapist, activate_totp):
    client = Client()
    password_login(client, therapist.user.email)
    activate_totp(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert Authenticator.objects.filter(user=therapist.user, type="totp").exists()


def test_authors_preview_and_a_recovery_code_count_as_a_second_factor(db, client):
    """Any second factor allauth accepts counts: one rule for therapists and staff."""
    author = make_author("author@example.com")
    sign_in(client, author)
    assert is_let_in(client.get("/preview/"))
    session = client.session
    session["account_authentication_methods"] = [
        {**record, "type": "recovery_codes"} if record["method"] == "mfa" else record
        for record in session["account_authentication_methods"]
    ]
    session.save()
    assert is_let_in(client.get("/preview/"))


def test_has_two_factor_is_an_app_or_a_key_never_recovery_codes_alone():
    """The one rule for therapists and staff (prodep.accounts.two_factor.has_two_factor)."""
    user = make_user("rule@example.com")
    assert not has_two_factor(user)
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x"}
    )
    assert not has_two_factor(user)
    add_totp(user)
    assert has_two_factor(user)


def test_a_visitor_who_is_not_signed_in_has_passed_no_second_factor(rf):
    from django.contrib.auth.models import AnonymousUser

    from prodep.accounts.two_factor import passed_second_factor, signed_in_recently_for_setup

    request = rf.get(reverse("mfa_activate_totp"))
    request.user = AnonymousUser()
    assert passed_second_factor(request) is False
    assert signed_in_recently_for_setup(request) is False
    assert signed_in_recently_for_setup(None) is False
