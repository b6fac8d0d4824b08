"""Every page type a person can reach, once each, for the checks that run on all of them.

``visit_every_page_type`` opens each one in a browser context and hands the check its name, the
page and the HTML the server sent (the source, not the browser's repaired copy of it, so the
Nu HTML Checker sees a form in a paragraph as the server wrote it). Anonymous pages first, then
a reader linked to a therapist, a reader on a first visit, the therapist and an author.

Not here: the admin. allauth's code entry at log-in is checked by the journeys that sign in
through the form (tests/browser/test_therapist_journey.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from lessons.models import Lesson
from prodep.clinic import actions
from prodep.clinic.models import Assignment, Invitation, Share
from tests.factories import PASSWORD, answer, link, make_author, make_therapist, make_user

NEW_EMAIL = "brand.new@example.com"


@dataclass
class Site:
    partner: object
    newcomer: object
    therapist: object
    author: object
    care_link: object
    shared: object  # a reflection shared with the therapist
    private: object  # one that is not
    invitation_token: str
    own_invitation: object  # an open invitation of the therapist's
    assignment: object
    group: object


@pytest.fixture
def site(synced_course) -> Site:
    """The real curriculum; a reader linked to a therapist, with one shared and one private
    answer, an assignment and some progress; a reader on a first visit; an author."""
    partner = make_user("partner@example.com")
    therapist = make_therapist("therapist@example.com")
    care_link = link(therapist, partner, "Sam")
    first = Lesson.objects.get(slug="what-prodep-is")
    second = Lesson.objects.get(slug="how-lessons-work")
    shared = answer(partner, first.prompts.get().key, "Something private.\nOn two lines.")
    private = answer(partner, second.prompts.first().key, "Not shared with anyone.")
    Share.objects.create(reflection=shared, link=care_link)
    assignment = Assignment.objects.create(
        link=care_link, module=first.module, note="When you are ready."
    )
    group = actions.save_group(therapist, "Tuesday group", [care_link])
    from lessons.catalogue import set_completed

    set_completed(partner, first, True)
    _, token = Invitation.issue(make_therapist("other.therapist@example.com"))
    own_invitation, _ = Invitation.issue(therapist)
    return Site(
        partner=partner,
        newcomer=make_user("newcomer@example.com"),
        therapist=therapist,
        author=make_author("author@example.com"),
        care_link=care_link,
        shared=shared,
        private=private,
        invitation_token=token,
        own_invitation=own_invitation,
        assignment=assignment,
        group=group,
    )


Check = Callable[[str, object, str], None]  # (page type, Playwright page, HTML source)


def _document(response) -> bool:
    """The page a navigation ends on: a document, not a redirect on the way."""
    return response.request.resource_type == "document" and not 300 <= response.status < 400


def _submit(page, button: str, name: str, check: Check, status: int = 200) -> None:
    """Click a form's button and check the page it lands on (after any redirect)."""
    with page.expect_response(_document) as landed:
        page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    assert landed.value.status == status, (name, page.url, landed.value.status)
    check(name, page, landed.value.text())


def _open(page, path: str, name: str, check: Check, status: int = 200) -> None:
    response = page.goto(path)
    assert response.status == status, (name, path, response.status)
    assert urlsplit(page.url).path == urlsplit(path).path, (name, path, page.url)  # no detour
    check(name, page, response.text())


def anonymous_pages(page, site: Site, check: Check) -> None:
    for name, path, status in [
        ("landing", "/", 200),
        ("log-in", "/accounts/login/", 200),
        ("password-reset", "/accounts/password/reset/", 200),
        ("password-reset-link-used", "/accounts/password/reset/key/1-set-password/", 200),
        ("safety", "/safety/", 200),
        ("crisis", "/help/crisis/", 200),
        ("glossary", "/help/glossary/", 200),
        ("signed-out", "/signed-out/", 200),
        ("signed-out-discreet", "/signed-out/?discreet=1", 200),
        ("invitation-closed", "/invite/no-such-invitation/", 410),
        ("404", "/no-such-page/", 404),
    ]:
        _open(page, path, name, check, status)

    page.goto("/accounts/password/reset/")
    page.get_by_label("Email").fill("nobody@example.com")
    _submit(page, "Send the link", "password-reset-sent", check)

    _open(page, "/accounts/signup/", "sign-up", check)
    page.get_by_label("Email").fill(NEW_EMAIL)
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password (again)").fill("other")
    _submit(page, "Create my account", "sign-up-with-errors", check)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    _submit(page, "Create my account", "code-entry", check)
    page.get_by_label("Code").fill("WRONG1")
    _submit(page, "Confirm", "code-entry-with-error", check)
    page.context.clear_cookies()


def reader_pages(page, site: Site, check: Check) -> None:
    r = {"shared": site.shared.pk, "private": site.private.pk}
    for name, path, status in [
        ("dashboard", "/home/", 200),
        ("catalogue", "/lessons/", 200),
        ("module", "/lessons/start-here/", 200),
        ("lesson-shared-answer", "/lessons/start-here/what-prodep-is/", 200),
        ("lesson-answer-to-share", "/lessons/start-here/how-lessons-work/", 200),
        ("journal", "/journal/", 200),
        ("journal-edit", f"/journal/{r['private']}/edit/", 200),
        ("journal-delete", f"/journal/{r['private']}/delete/", 200),
        ("settings", "/settings/", 200),
        ("your-data", "/settings/data/", 200),
        ("delete-account", "/settings/delete/", 200),
        ("your-therapists", "/care/", 200),
        ("who-has-seen-what", "/care/who-has-seen-what/", 200),
        ("therapist-application", "/clinic/apply/", 200),
        ("invitation", f"/invite/{site.invitation_token}/", 200),
        ("sessions", "/accounts/sessions/", 200),
        ("email-address", "/accounts/email/", 200),
        ("password-change", "/accounts/password/change/", 200),
        ("sign-out-confirm", "/accounts/logout/", 200),
        ("reauthenticate", f"/accounts/reauthenticate/?next=/journal/{r['private']}/share/", 200),
        ("404-signed-in", "/lessons/start-here/no-such-lesson/", 404),
    ]:
        _open(page, path, name, check, status)

    page.goto("/settings/")
    page.get_by_role("combobox", name="Time zone").select_option("Europe/London")
    page.locator("select#id_time_zone").evaluate(
        "select => { select.options[select.selectedIndex].value = 'Mars/Olympus'; }"
    )
    _submit(page, "Save time zone", "settings-with-error", check, status=400)


def newcomer_pages(page, site: Site, check: Check) -> None:
    _open(page, "/home/", "dashboard-first-visit", check)
    _open(page, "/before-you-start/", "before-you-start", check)
    _open(page, "/accounts/2fa/", "two-factor-off", check)
    _open(page, "/accounts/2fa/totp/activate/", "authenticator-set-up", check)


def therapist_pages(page, site: Site, check: Check) -> None:
    link, group = site.care_link.pk, site.group.pk
    for name, path in [
        ("roster", "/clinic/"),
        ("client", f"/clinic/clients/{link}/"),
        ("invitations", "/clinic/invitations/"),
        ("withdraw-invitation-confirm", f"/clinic/invitations/{site.own_invitation.pk}/revoke/"),
        ("assign", f"/clinic/clients/{link}/assign/"),
        ("edit-assignment", f"/clinic/assignments/{site.assignment.pk}/"),
        ("remove-assignment-confirm", f"/clinic/assignments/{site.assignment.pk}/delete/"),
        ("end-link-confirm", f"/clinic/clients/{link}/end/"),
        ("therapist-settings", "/clinic/settings/"),
        ("new-group", "/clinic/groups/new/"),
        ("group", f"/clinic/groups/{group}/"),
        ("edit-group", f"/clinic/groups/{group}/edit/"),
        ("assign-to-group", f"/clinic/groups/{group}/assign/"),
        ("delete-group-confirm", f"/clinic/groups/{group}/delete/"),
        ("two-factor", "/accounts/2fa/"),
        ("two-factor-reauthenticate", "/accounts/2fa/reauthenticate/?next=/clinic/"),
    ]:
        _open(page, path, name, check)


def author_pages(page, site: Site, check: Check) -> None:
    _open(page, "/preview/", "authoring", check)
    _open(page, "/preview/01-start-here/01-what-prodep-is.md", "preview", check)


def visit_every_page_type(context, sign_in_context, site: Site, check: Check) -> list[str]:
    """Open every page type in ``context`` and pass each to ``check``; returns their names."""
    seen: list[str] = []

    def counted(name, page, html):
        seen.append(name)
        check(name, page, html)

    page = context.new_page()
    anonymous_pages(page, site, counted)
    for user, pages in [
        (site.partner, reader_pages),
        (site.newcomer, newcomer_pages),
        (site.therapist.user, therapist_pages),
        (site.author, author_pages),
    ]:
        context.clear_cookies()
        sign_in_context(context, user)
        pages(page, site, counted)
    context.clear_cookies()
    assert len(seen) == len(set(seen)), seen
    return seen


def every_lesson() -> dict[str, str]:
    return {
        lesson.slug: lesson.get_absolute_url()
        for lesson in Lesson.objects.filter(is_live=True).order_by("id")
    }
