"""Nobody can learn whether an email address has an account."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
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


class CountingHasher(MD5PasswordHasher):
    """The tests' cheap hasher, counting the hashes it computes: the costly step whose absence
    told a known address (no hash, an answer in 10 ms) from a new one (Argon2, 150 ms).

    Every hash goes through ``encode``: checking a password encodes the candidate with the
    stored salt, so counting ``encode`` counts both setting and checking.
    """

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture
def hasher_calls(settings):
    """Calls the hasher gets during ``count(...)``, after the test's own set-up."""
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]

    def count(action):
        CountingHasher.calls = 0
        response = action()
        return CountingHasher.calls, response

    return count


def _signup(email):
    return Client().post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def test_signup_hashes_the_password_for_a_taken_address_too(hasher_calls, db, mailoutbox):
    make_user("taken@example.com")
    taken, taken_response = hasher_calls(lambda: _signup("taken@example.com"))
    fresh, fresh_response = hasher_calls(lambda: _signup("fresh@example.com"))
    assert fresh >= 1
    assert taken == fresh
    assert (taken_response.status_code, taken_response.url) == (
        fresh_response.status_code,
        fresh_response.url,
    )
    assert len(mailoutbox) == 2  # "you already have an account" and a verification code


def test_log_in_costs_the_same_for_unknown_and_known_addresses(hasher_calls, db):
    make_user("known@example.com")

    def login(email):
        return lambda: Client().post(
            reverse("account_login"), {"login": email, "password": "wrong-password"}
        )

    known, known_response = hasher_calls(login("known@example.com"))
    unknown, unknown_response = hasher_calls(login("nobody@example.com"))
    assert known >= 1
    assert known == unknown
    assert known_response.status_code == unknown_response.status_code == 200
    assert known_response.context["form"].errors == unknown_response.context["form"].errors


def test_password_reset_costs_the_same_for_unknown_and_known_addresses(hasher_calls, db):
    make_user("known@example.com")

    def reset(email):
        return lambda: Client().post(reverse("account_reset_password"), {"email": email})

    assert (
        hasher_calls(reset("known@example.com"))[0] == hasher_calls(reset("nobody@example.com"))[0]
    )
