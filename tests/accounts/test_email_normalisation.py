"""One account per mailbox: look-alike spellings of an address are the same address or refused."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from prodep.accounts.models import User
from tests.factories import PASSWORD, make_user, sign_in

FULLWIDTH = "partner@\uff45xample.com"  # a fullwidth "e": the mail reaches partner@example.com
CYRILLIC = "partner@ex\u0430mple.com"  # a Cyrillic "а" among Latin letters


def _signup(email):
    return Client().post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def test_a_fullwidth_spelling_is_the_same_account(db, mailoutbox):
    make_user("partner@example.com")
    _signup(FULLWIDTH)
    _signup("PARTNER@EXAMPLE.COM")
    assert User.objects.count() == 1
    assert {m.to[0] for m in mailoutbox} == {"partner@example.com"}


def test_a_new_address_is_stored_in_its_one_spelling(db):
    _signup("New.Person@\uff25xample.COM")
    user = User.objects.get()
    assert user.email == "new.person@example.com"
    assert EmailAddress.objects.get(user=user).email == "new.person@example.com"


def test_a_mixed_script_domain_is_refused_with_a_clear_message(db):
    response = _signup(CYRILLIC)
    assert response.status_code == 200
    assert "mixes letters from different alphabets" in response.content.decode()
    assert not User.objects.exists()


def test_log_in_accepts_any_spelling_of_the_address(db):
    make_user("partner@example.com")
    response = Client().post(reverse("account_login"), {"login": FULLWIDTH, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("spelling", [FULLWIDTH, "Partner@Example.com"])
def test_reset_by_any_spelling_reaches_the_one_account(client, db, mailoutbox, spelling):
    make_user("partner@example.com")
    client.post(reverse("account_reset_password"), {"email": spelling})
    [mail] = mailoutbox
    assert mail.to == ["partner@example.com"]
    assert "/accounts/password/reset/key/" in mail.body


def test_adding_a_look_alike_of_anothers_address_is_refused_or_the_same(client, db):
    make_user("partner@example.com")
    other = make_user("other@example.com")
    sign_in(client, other)
    client.post(reverse("account_email"), {"action_add": "", "email": CYRILLIC})
    client.post(reverse("account_email"), {"action_add": "", "email": FULLWIDTH})
    emails = set(EmailAddress.objects.filter(user=other).values_list("email", flat=True))
    assert CYRILLIC not in emails and FULLWIDTH not in emails
