"""allauth's rate limits are on, backed by a real cache."""

from django.urls import reverse

from tests.factories import PASSWORD, make_user


def _login(client, email, password, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def test_sixth_wrong_password_for_one_account_gets_429(client, db):
    make_user("target@example.com")
    for _ in range(5):
        assert _login(client, "target@example.com", "wrong-password").status_code == 200
    response = _login(client, "target@example.com", PASSWORD)
    assert response.status_code == 429
    assert b"too many attempts" in response.content


def test_spoofed_forwarded_for_does_not_reset_the_limit(client, db):
    make_user("target@example.com")
    for n in range(5):
        _login(client, "target@example.com", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = _login(client, "target@example.com", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert response.status_code == 429


def test_other_accounts_still_log_in_after_one_is_locked(client, db):
    make_user("target@example.com")
    make_user("other@example.com")
    for _ in range(5):
        _login(client, "target@example.com", "wrong")
    other = client.__class__(REMOTE_ADDR="192.0.2.7")
    assert _login(other, "other@example.com", PASSWORD).status_code == 302


def test_varying_the_host_port_does_not_reset_the_limit(client, db, settings):
    """Five failures, then the same account through ``Host: 127.0.0.1:1`` and ``:2``: refused."""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]  # Django's host check ignores the port
    make_user("target@example.com")
    for _ in range(5):
        _login(client, "target@example.com", "wrong", HTTP_HOST="127.0.0.1")
    for host in ("127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:8000"):
        assert _login(client, "target@example.com", "wrong", HTTP_HOST=host).status_code == 429
        assert _login(client, "target@example.com", PASSWORD, HTTP_HOST=host).status_code == 429


def test_the_count_is_per_account_whatever_the_letter_case(client, db):
    make_user("target@example.com")
    for login in ("target@example.com", "TARGET@example.com", "Target@Example.COM") * 2:
        _login(client, login, "wrong")
    assert _login(client, "target@example.com", PASSWORD).status_code == 429


def test_one_address_trying_many_accounts_is_limited_too(client, db):
    """The per-address limit (10 a minute) stays, whichever accounts are tried."""
    for n in range(10):
        assert _login(client, f"someone{n}@example.com", "wrong").status_code == 200
    assert _login(client, "someone-else@example.com", "wrong").status_code == 429
