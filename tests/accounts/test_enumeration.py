"""Nobody can learn whether an email address has an account."""

from django.urls import reverse

from tests.factories import PASSWORD, make_user


def test_password_reset_looks_the_same_for_known_and_unknown_addresses(client, db, mailoutbox):
    make_user("known@example.com")
    known = client.post(reverse("account_reset_password"), {"email": "known@example.com"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mailoutbox) == 2
    assert {m.to[0] for m in mailoutbox} == {"known@example.com", "nobody@example.com"}


def test_signup_with_a_taken_address_looks_like_a_fresh_signup(client, db, mailoutbox):
    make_user("taken@example.com")
    taken = client.post(
        reverse("account_signup"),
        {"email": "taken@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    fresh = client.__class__().post(
        reverse("account_signup"),
        {"email": "fresh@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert (taken.status_code, taken.url) == (fresh.status_code, fresh.url)
