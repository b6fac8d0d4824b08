"""Issue 14.3: no database or library message ever reaches a page.

Every form of the app is submitted with missing and with bad data, as the person who may use
it, and the page that answers (and the page a redirect leads to, with its messages) is scanned
for database wording: table and constraint names, "violated", "IntegrityError", "NOT NULL" and
the like. Each error message is said once. A tripwire makes a new page of the app fail here
until it is listed: with the bad data its form should get, or as having no form.
"""

import re
from html import unescape

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from lessons.models import Lesson, Module
from prodep.clinic import actions
from prodep.clinic.models import Assignment, CareLink, Invitation
from tests.factories import answer, make_therapist, make_user, sign_in
from tests.security.urls import all_patterns

TOO_LONG = "x" * 30_000
GENERIC = re.compile(
    r"IntegrityError|violated|constraint|NOT NULL|null value in column|duplicate key"
    r"|Traceback|DoesNotExist|OperationalError|ProgrammingError|DataError|psycopg|sqlite3",
    re.IGNORECASE,
)


def database_names() -> set[str]:
    """Every table and constraint name the database has for the app's models."""
    names = set()
    for model in apps.get_models():
        names.add(model._meta.db_table)
        names.update(constraint.name for constraint in model._meta.constraints)
    return names


@pytest.fixture
def world(course):
    therapist = make_therapist("t@example.com")
    reader = make_user("r@example.com")
    care = CareLink.objects.create(therapist=therapist, client=reader, client_alias="Sam")
    module = Module.objects.get(slug="first")
    assignment = Assignment.objects.create(link=care, module=module)
    group = actions.save_group(therapist, "Tuesday group", [care])
    actions.save_group(therapist, "Taken", [])
    invitation, token = Invitation.issue(therapist)
    reflection = answer(reader, "p1", "My words")
    return {
        "therapist": therapist.user,
        "reader": reader,
        "newcomer": make_user("n@example.com"),
        "link": care,
        "assignment": assignment,
        "group": group,
        "invitation": invitation,
        "token": token,
        "reflection": reflection,
        "module": module,
        "lesson": Lesson.objects.get(slug="lesson-1"),
        "stranger_link": CareLink.objects.create(
            therapist=make_therapist("s@example.com"), client=make_user(), client_alias="X"
        ),
    }


def assignment_bad_data(w) -> list[dict]:
    module, lesson = w["module"].pk, w["lesson"].pk
    return [
        {},
        {"module": module, "lesson": lesson},
        {"module": "999999"},
        {"lesson": "not a number"},
        {"module": module, "due_date": "31/31/2026"},
        {"module": module, "note": TOO_LONG},
    ]


def group_bad_data(w) -> list[dict]:
    return [
        {},
        {"name": TOO_LONG[:200]},
        {"name": "taken"},
        {"name": "   "},
        {"name": "Mine", "members": ["999999"]},
        {"name": "Mine", "members": [str(w["stranger_link"].pk)]},
        {"name": "Mine", "members": ["abc"]},
    ]


# URL name: (who submits, URL arguments, bad submissions)
FORMS = {
    "clinic:apply": ("newcomer", lambda w: [], lambda w: [{}, {"display_name": TOO_LONG}]),
    "clinic:invitations": (
        "therapist",
        lambda w: [],
        lambda w: [{"email": "not an address"}, {"message": TOO_LONG}, {"email": "a@" + "b" * 300}],
    ),
    "clinic:preferences": ("therapist", lambda w: [], lambda w: [{}, {"email_updates": "maybe"}]),
    "clinic:assign": ("therapist", lambda w: [w["link"].pk], assignment_bad_data),
    "clinic:assignment": ("therapist", lambda w: [w["assignment"].pk], assignment_bad_data),
    "clinic:group_new": ("therapist", lambda w: [], group_bad_data),
    "clinic:group_edit": ("therapist", lambda w: [w["group"].pk], group_bad_data),
    "clinic:group_assign": ("therapist", lambda w: [w["group"].pk], assignment_bad_data),
    "clinic:invitation": (
        "newcomer",
        lambda w: [w["token"]],
        lambda w: [{}, {"alias": "   "}, {"alias": TOO_LONG}],
    ),
    "clinic:share": (
        "reader",
        lambda w: [w["reflection"].pk],
        lambda w: [{"links": ["abc"]}, {"links": ["999999"]}, {"links": [w["stranger_link"].pk]}],
    ),
    "journal:save": (
        "reader",
        lambda w: ["p1"],
        lambda w: [{}, {"text": TOO_LONG}, {"text": "x", "version": "not a version"}],
    ),
    "journal:edit": ("reader", lambda w: [w["reflection"].pk], lambda w: [{}, {"text": TOO_LONG}]),
    "delete_account": ("reader", lambda w: [], lambda w: [{}, {"confirm": "no"}]),
    "discreet_mode": ("reader", lambda w: [], lambda w: [{"discreet_mode": "maybe"}]),
    "time_zone": (
        "reader",
        lambda w: [],
        lambda w: [{}, {"time_zone": "Mars/Olympus_Mons"}, {"time_zone": TOO_LONG}],
    ),
    "safety_intro": ("reader", lambda w: [], lambda w: [{"next": "https://elsewhere.example/"}]),
    "lessons:complete": (
        "reader",
        lambda w: ["first", "lesson-1"],
        lambda w: [{}, {"completed": "not a choice"}],
    ),
    "account_login": ("anonymous", lambda w: [], lambda w: [{}, {"login": "x", "password": ""}]),
    "account_signup": (
        "anonymous",
        lambda w: [],
        lambda w: [{}, {"email": "r@example.com", "password1": "short", "password2": "other"}],
    ),
    "account_reauthenticate": ("reader", lambda w: [], lambda w: [{}, {"password": "wrong"}]),
    "mfa_activate_totp": ("newcomer", lambda w: [], lambda w: [{}, {"code": "abc"}]),
    "mfa_reauthenticate": ("therapist", lambda w: [], lambda w: [{}, {"code": "000000"}]),
}
# Pages whose only submission is a button (a confirmation, a toggle, a step): posted with junk.
BUTTONS = {
    "clinic:revoke": ("therapist", lambda w: [w["invitation"].pk]),
    "clinic:therapist_end": ("therapist", lambda w: [w["link"].pk]),
    "clinic:restore": ("therapist", lambda w: [w["link"].pk]),  # active: nothing to undo
    "clinic:assignment_delete": ("therapist", lambda w: [w["assignment"].pk]),
    "clinic:group_delete": ("therapist", lambda w: [w["group"].pk]),
    "clinic:client_end": ("reader", lambda w: [w["link"].pk]),
    "clinic:keep_ended": ("reader", lambda w: [w["link"].pk]),  # active: not theirs to keep
    "journal:delete": ("reader", lambda w: [w["reflection"].pk]),
    "export_data": ("reader", lambda w: []),
    "keepalive": ("reader", lambda w: []),
}
# Pages with no form of their own (they only show, or only leave).
NO_FORM = {
    "landing", "dashboard", "healthz", None, "safety", "exit", "account_settings",
    "data_rights", "journal:index", "clinic:roster", "clinic:welcome", "clinic:client",
    "clinic:group", "clinic:care", "clinic:access_log", "lessons:catalogue", "lessons:module",
    "lessons:lesson", "lessons:page", "lessons:preview_index", "lessons:preview", "signed_out",
}  # fmt: skip


def submit(world, who, url, data):
    client = Client()
    if who != "anonymous":
        sign_in(client, world[who])
    return client.post(url, data, follow=True, HTTP_ACCEPT="text/html")


def assert_plain(response, forbidden: set[str]):
    assert response.status_code < 500, response.status_code
    if not response["Content-Type"].startswith(("text/", "application/json")):
        return  # a file download (the data export), not a page
    html = unescape(response.content.decode())
    match = GENERIC.search(html)
    assert match is None, html[max(0, match.start() - 200) : match.end() + 100]
    leaked = [name for name in forbidden if re.search(rf"\b{re.escape(name)}\b", html)]
    assert leaked == []
    # Said once: never twice for one field, nor again elsewhere on the page.
    lists = [
        re.findall(r"<li>(.*?)</li>", items, re.S)
        for items in re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    ]
    for items in lists:
        assert len(items) == len(set(items)), f"said twice for one field: {items}"
        for item in items:
            in_lists = sum(other.count(item) for other in lists)
            assert html.count(item) == in_lists, f"said again outside its field: {item}"


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_form_answers_bad_data_in_plain_words(world, name):
    who, args, bad = FORMS[name]
    url = reverse(name, args=args(world))
    forbidden = database_names()
    for data in bad(world):
        assert_plain(submit(world, who, url, data), forbidden)


@pytest.mark.parametrize("name", sorted(BUTTONS))
def test_every_button_answers_junk_in_plain_words(world, name):
    who, args = BUTTONS[name]
    url = reverse(name, args=args(world))
    assert_plain(submit(world, who, url, {"junk": TOO_LONG, "pk": "abc"}), database_names())


def test_every_page_of_the_app_is_listed_here():
    ours = {
        name
        for name, route, _ in all_patterns()
        if not route.startswith(("accounts/", "admin/", "static/"))
    }
    listed = set(FORMS) | set(BUTTONS) | NO_FORM
    assert ours - listed == set(), "a new page: list its form's bad data, or as having none"
