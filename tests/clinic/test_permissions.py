"""Who gets what: every clinic and journal URL and verb, for every role.

404 where the object exists but is not theirs (never 403, which would confirm it exists);
403 for a role that may not use the page at all; a log-in redirect for anonymous visitors.
"""

import pytest
from django.test import Client
from django.urls import reverse

from lessons.models import Module
from prodep.clinic import actions
from prodep.clinic.models import Assignment, CareLink, Invitation, Share
from tests.factories import (
    answer,
    link,
    make_author,
    make_staff,
    make_therapist,
    make_user,
    sign_in,
)

ROLES = [
    "anonymous",
    "client_a",
    "client_b",
    "linked_therapist",
    "unlinked_therapist",
    "pending_therapist",
    "therapist_without_mfa",
    "author",
    "staff",
]
LOGIN, MFA = "login", "mfa"


@pytest.fixture
def world(course):
    a = make_user("a@example.com")
    b = make_user("b@example.com")
    linked = make_therapist("linked@example.com")
    care = link(linked, a, "Sam")
    reflection = answer(a, "p1", "A's private words")
    Share.objects.create(reflection=reflection, link=care)
    users = {
        "anonymous": None,
        "client_a": a,
        "client_b": b,
        "linked_therapist": linked.user,
        "unlinked_therapist": make_therapist("unlinked@example.com").user,
        "pending_therapist": make_therapist("pending@example.com", status="pending").user,
        "therapist_without_mfa": make_therapist("nomfa@example.com", mfa=False).user,
        "author": make_author("author@example.com"),
        "staff": make_staff("staff@example.com"),
    }
    invitation, _ = Invitation.issue(linked)
    assignment = Assignment.objects.create(link=care, module=Module.objects.get(slug="first"))
    # Links their therapist ended a day ago: one the linked therapist may restore, one A may
    # make final.
    ended = link(linked, make_user(), "Former")
    actions.end_link(ended, by=CareLink.EndedBy.THERAPIST)
    ended_for_a = link(users["unlinked_therapist"].therapist_profile, a, "Sam")
    actions.end_link(ended_for_a, by=CareLink.EndedBy.THERAPIST)
    group = actions.save_group(linked, "Tuesday group", [care])
    return {
        "group": group,
        "users": users,
        "link": care,
        "reflection": reflection,
        "invitation": invitation,
        "assignment": assignment,
        "ended": ended,
        "ended_for_a": ended_for_a,
    }


def therapist_only(owner_status: int, *, others: int | None = None) -> dict:
    """Expected statuses for a therapist page; ``others`` is for an unlinked therapist."""
    expected = dict.fromkeys(ROLES, 403)
    expected.update(
        anonymous=LOGIN,
        therapist_without_mfa=MFA,
        linked_therapist=owner_status,
        unlinked_therapist=owner_status if others is None else others,
    )
    return expected


def client_owned(owner_status: int) -> dict:
    expected = dict.fromkeys(ROLES, 404)
    expected.update(anonymous=LOGIN, client_a=owner_status)
    return expected


def everyone_signed_in(status: int) -> dict:
    expected = dict.fromkeys(ROLES, status)
    expected["anonymous"] = LOGIN
    return expected


# (name, method, how to build the URL args from the world, POST data, expected per role)
MATRIX = [
    ("clinic:roster", "get", lambda w: [], {}, therapist_only(200)),
    ("clinic:invitations", "get", lambda w: [], {}, therapist_only(200)),
    ("clinic:invitations", "post", lambda w: [], {"message": "hi"}, therapist_only(200)),
    ("clinic:preferences", "get", lambda w: [], {}, therapist_only(200)),
    ("clinic:preferences", "post", lambda w: [], {"email_updates": "on"}, therapist_only(302)),
    ("clinic:revoke", "post", lambda w: [w["invitation"].pk], {}, therapist_only(302, others=404)),
    ("clinic:revoke", "get", lambda w: [w["invitation"].pk], {}, therapist_only(200, others=404)),
    ("clinic:client", "get", lambda w: [w["link"].pk], {}, therapist_only(200, others=404)),
    ("clinic:therapist_end", "post", lambda w: [w["link"].pk], {}, therapist_only(302, others=404)),
    ("clinic:therapist_end", "get", lambda w: [w["link"].pk], {}, therapist_only(200, others=404)),
    ("clinic:restore", "post", lambda w: [w["ended"].pk], {}, therapist_only(302, others=404)),
    ("clinic:restore", "get", lambda w: [w["ended"].pk], {}, therapist_only(405, others=405)),
    ("clinic:assign", "get", lambda w: [w["link"].pk], {}, therapist_only(200, others=404)),
    (
        "clinic:assignment",
        "get",
        lambda w: [w["assignment"].pk],
        {},
        therapist_only(200, others=404),
    ),
    (
        "clinic:assignment_delete",
        "post",
        lambda w: [w["assignment"].pk],
        {},
        therapist_only(302, others=404),
    ),
    (
        "clinic:assignment_delete",
        "get",
        lambda w: [w["assignment"].pk],
        {},
        therapist_only(200, others=404),
    ),
    ("clinic:group_new", "get", lambda w: [], {}, therapist_only(200)),
    ("clinic:group_new", "post", lambda w: [], {"name": "A group"}, therapist_only(302)),
    *(
        (f"clinic:{name}", method, lambda w: [w["group"].pk], data, therapist_only(owner, others=o))
        for name, method, data, owner, o in [
            ("group", "get", {}, 200, 404),
            ("group", "post", {}, 405, 405),
            ("group_edit", "get", {}, 200, 404),
            ("group_edit", "post", {"name": "Renamed"}, 302, 404),
            ("group_assign", "get", {}, 200, 404),
            ("group_assign", "post", {"module": "", "lesson": ""}, 200, 404),
            ("group_delete", "get", {}, 200, 404),
            ("group_delete", "post", {}, 302, 404),
        ]
    ),
    ("clinic:care", "get", lambda w: [], {}, everyone_signed_in(200)),
    ("clinic:access_log", "get", lambda w: [], {}, everyone_signed_in(200)),
    ("clinic:apply", "get", lambda w: [], {}, everyone_signed_in(200)),
    ("clinic:client_end", "post", lambda w: [w["link"].pk], {}, client_owned(302)),
    ("clinic:client_end", "get", lambda w: [w["link"].pk], {}, client_owned(200)),
    ("clinic:keep_ended", "post", lambda w: [w["ended_for_a"].pk], {}, client_owned(302)),
    ("clinic:keep_ended", "get", lambda w: [w["ended_for_a"].pk], {}, everyone_signed_in(405)),
    ("clinic:share", "post", lambda w: [w["reflection"].pk], {"links": []}, client_owned(302)),
    ("journal:edit", "get", lambda w: [w["reflection"].pk], {}, client_owned(200)),
    (
        "journal:edit",
        "post",
        lambda w: [w["reflection"].pk],
        {"text": "changed"},
        client_owned(302),
    ),
    ("journal:delete", "get", lambda w: [w["reflection"].pk], {}, client_owned(200)),
    ("journal:delete", "post", lambda w: [w["reflection"].pk], {}, client_owned(302)),
    ("journal:index", "get", lambda w: [], {}, everyone_signed_in(200)),
]
CASES = [
    (name, method, args, data, role, expected[role])
    for name, method, args, data, expected in MATRIX
    for role in ROLES
]


@pytest.mark.parametrize(
    "name,method,args,data,role,expected", CASES, ids=[f"{c[0]}-{c[1]}-{c[4]}" for c in CASES]
)
def test_permission_matrix(world, name, method, args, data, role, expected):
    client = Client()
    user = world["users"][role]
    if user is not None:
        sign_in(client, user)
    url = reverse(name, args=args(world))
    response = getattr(client, method)(url, data)
    if expected == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response.url
    elif expected == MFA:
        assert response.status_code == 302 and response.url == reverse("clinic:welcome")
    else:
        assert response.status_code == expected
        if expected == 302:  # a real success, not a detour to log in or reauthenticate
            assert "/accounts/" not in response.url


def test_ids_in_post_bodies_are_checked_too(world):
    """Client B cannot share their own reflection into A's link by naming its id."""
    b = world["users"]["client_b"]
    own = answer(b, "p2", "B's words")
    client = Client()
    client.force_login(b)
    client.post(reverse("clinic:share", args=[own.pk]), {"links": [world["link"].pk]})
    assert not Share.objects.filter(reflection=own).exists()


def test_denied_requests_change_nothing(world):
    client = Client()
    sign_in(client, world["users"]["unlinked_therapist"])
    client.post(reverse("clinic:therapist_end", args=[world["link"].pk]))
    client.post(reverse("clinic:assignment_delete", args=[world["assignment"].pk]))
    client.post(reverse("clinic:revoke", args=[world["invitation"].pk]))
    world["link"].refresh_from_db()
    world["invitation"].refresh_from_db()
    assert world["link"].ended_at is None
    assert world["invitation"].revoked_at is None
    assert Assignment.objects.filter(pk=world["assignment"].pk).exists()
