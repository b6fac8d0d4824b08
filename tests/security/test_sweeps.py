"""Sweeps over every URL: deny by default, CSRF on every POST, and no IDOR anywhere."""

import pytest
from django.test import Client

from tests.clinic.test_permissions import MATRIX
from tests.factories import make_user, sign_in
from tests.security.urls import all_patterns, post_only_views

# Reachable without signing in, on purpose.
PUBLIC_PREFIXES = (
    "/accounts/",  # allauth: log-in, sign-up, reset, verification (it guards its own pages)
    "/admin/",  # redirects to the site's log-in through secure_admin_login
    "/static/",
)
PUBLIC = {
    "/",
    "/healthz",
    "/robots.txt",
    "/safety/",
    "/exit/",
    "/signed-out/",  # where signing out lands: says only that, to anyone
    "/invite/sample/",
    "/session/keepalive/",
    "/help/sample/",
    "/help/crisis/",
    "/help/glossary/",
}


def anonymous_is_sent_to_log_in(response) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_url_denies_anonymous_visitors_unless_allow_listed(db):
    client = Client()
    checked = 0
    for name, _route, path in all_patterns():
        if path in PUBLIC or path.startswith(PUBLIC_PREFIXES):
            continue
        checked += 1
        response = client.get(path)
        assert anonymous_is_sent_to_log_in(response), (name, path, response.status_code)
    assert checked >= 25


def test_allow_listed_urls_answer_without_an_error(db):
    client = Client()
    for path in PUBLIC - {"/exit/"}:
        assert client.get(path).status_code in (200, 302, 404, 405, 410), path


def test_every_post_without_a_csrf_token_is_refused(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    checked = 0
    for name, _route, path in all_patterns():
        if path.startswith("/static/") or path == "/exit/":  # leaving must never fail
            continue
        checked += 1
        response = client.post(path, {"text": "x"})
        assert response.status_code == 403, (name, path, response.status_code)
    assert checked >= 40


# Who may POST to a POST-only view, where a client may not (the client's GET would be refused
# with 403 before the method is looked at).
POSTS = {"clinic:restore": "linked_therapist"}


def test_the_sweep_finds_the_post_only_views():
    found = {name for name, _path in post_only_views()}
    assert {"journal:save", "lessons:complete", "clinic:share", "clinic:restore"} <= found
    assert not found & {"journal:edit", "clinic:assign", "healthz", "account_logout"}


@pytest.mark.parametrize("name,path", sorted(post_only_views()))
def test_get_on_a_post_only_view_is_refused_with_405(world, name, path):
    """Signed in as someone allowed to POST there, a GET changes nothing and says why."""
    client = Client()
    sign_in(client, world["users"][POSTS.get(name, "client_a")])
    response = client.get(path)
    assert response.status_code == 405, (name, path, response.status_code)
    assert response["Allow"] == "POST"


def test_every_url_with_an_object_id_is_in_the_permissions_matrix():
    """A new URL that takes an id must be added to the matrix, so its IDOR cases are tested."""
    with_ids = {
        name
        for name, route, path in all_patterns()
        if ("<int:" in route or "<str:token>" in route) and not route.startswith("admin")
    }
    covered = {name for name, *_ in MATRIX} | {"clinic:invitation", *ALLAUTH_OWN}
    assert with_ids <= covered, with_ids - covered


ALLAUTH_OWN = {"mfa_edit_webauthn", "mfa_remove_webauthn"}  # tested below


def test_allauth_passkey_pages_do_not_reach_another_users_key(world):
    from allauth.mfa.models import Authenticator
    from django.urls import reverse

    key = Authenticator.objects.create(
        user=world["users"]["client_a"],
        type=Authenticator.Type.WEBAUTHN,
        data={"name": "Laptop", "credential": {}},
    )
    client = Client()
    sign_in(client, world["users"]["client_b"])
    for name in sorted(ALLAUTH_OWN):
        for verb in ("get", "post"):
            response = getattr(client, verb)(reverse(name, args=[key.pk]))
            assert response.status_code == 404, (name, verb, response.status_code)
    assert Authenticator.objects.filter(pk=key.pk).exists()


@pytest.mark.parametrize("role", ["client_b", "unlinked_therapist", "author", "staff"])
def test_no_role_reaches_anothers_object(world, role):
    """Every id-taking URL, GET and POST, as someone who does not own the object."""
    from django.urls import reverse

    client = Client()
    sign_in(client, world["users"][role])
    for name, _method, args, data, _expected in MATRIX:
        if not args(world):
            continue
        for verb in ("get", "post"):
            response = getattr(client, verb)(reverse(name, args=args(world)), data)
            assert response.status_code in (403, 404, 405), (name, verb, role, response.status_code)
