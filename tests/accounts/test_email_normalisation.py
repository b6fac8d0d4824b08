"""One account per mailbox: look-alike spellings of an address are the same address or refused."""

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from prodep.accounts.emails import login_key, normalise_email
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


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("no-at-sign.example.com", "invalid"),
        ("@example.com", "invalid"),
        ("partner@", "invalid"),
        ("partner@exa..mple.com", "invalid"),  # an empty label: no IDNA spelling
        ("partner@\u30a2\u0430.jp", "mixed_scripts"),  # a katakana letter beside a Cyrillic one
    ],
)
def test_an_address_with_no_one_spelling_is_refused_with_its_reason(value, code):
    with pytest.raises(ValidationError) as refused:
        normalise_email(value)
    assert refused.value.code == code


def test_a_japanese_domain_in_katakana_and_kanji_is_accepted():
    assert normalise_email("partner@\u30e9\u30fc\u30e1\u30f3\u98df\u5802.jp").endswith(".jp")


def test_failed_log_ins_with_text_that_is_no_address_are_still_counted_by_one_key():
    assert login_key("  NOT AN ADDRESS ") == "not an address"
    assert login_key(FULLWIDTH) == "partner@example.com"


def test_an_account_cannot_be_created_without_an_address(db):
    with pytest.raises(ValueError, match="email address is required"):
        User.objects.create_user(email="", password=PASSWORD)
