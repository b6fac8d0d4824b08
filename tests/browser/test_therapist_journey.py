"""The therapist's journey (issue 14, "Done when"): sign-in, two-factor set-up, the roster,
an invitation, a group with a module assigned to it, progress, ending a link (with its
confirmation) and undoing it.

Every therapist page on the way is checked at 320 px and at 1280 px: axe-core finds nothing
serious (nor a heading out of order), and nothing is wider than the window (tables become cards
on a phone). The ``guard`` fixture fails the test on any console error or CSP violation.
"""

import re

import pytest
from playwright.sync_api import expect

from lessons.models import Lesson
from tests.factories import PASSWORD, link, make_therapist, make_user, totp_code_to_type

from .conftest import axe_problems, log_in
from .test_pages import sideways_scroll

WIDTHS = (320, 1280)
THERAPIST = "therapist@example.com"
ANSWER = "I keep checking his phone, and I hate that I do."


@pytest.fixture
def people(synced_course, live_server, settings):
    settings.SITE_URL = live_server.url  # invitation links point at the server under test
    therapist = make_therapist(THERAPIST, mfa=False)
    therapist.display_name = "Dr Rivera"
    therapist.save()
    alex = make_user("alex@example.com")
    link(therapist, alex, "Alex")
    return {"therapist": therapist, "partner": make_user("partner@example.com")}


class Checked:
    """axe-core and the width of the page, at a phone's width and a desktop's, for each page."""

    def __init__(self, page):
        self.page = page
        self.pages: list[str] = []
        self.problems: list[str] = []

    def __call__(self, name: str):
        page = self.page
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            self.problems += [f"{name} at {width}px: {p}" for p in axe_problems(page)]
            if too_wide := sideways_scroll(page):
                self.problems.append(f"{name} at {width}px: {too_wide}")
        page.set_viewport_size({"width": 1280, "height": 800})
        self.pages.append(name)


def test_therapist_journey(open_context, people, shot, live_server):
    therapist = open_context().new_page()
    check = Checked(therapist)

    # Sign-in: the first time, a welcome that says why two-factor sign-in is needed.
    log_in(therapist, THERAPIST)
    expect(therapist).to_have_url(re.compile(r"/clinic/welcome/$"))
    expect(therapist.get_by_role("heading", name="Why we ask")).to_be_visible()
    check("welcome")
    therapist.get_by_role("link", name="Set up two-factor sign-in").click()

    # Two-factor: set up without typing the password again, then the recovery codes.
    expect(therapist).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    check("authenticator set-up")
    secret = therapist.locator("#authenticator_secret").input_value()
    therapist.get_by_label("Type the six-digit code the app now shows").fill(
        totp_code_to_type(secret)
    )
    therapist.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(therapist.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    check("recovery codes")
    codes = therapist.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    with therapist.expect_download() as download:
        therapist.get_by_role("link", name="Download the codes").click()
    assert download.value.suggested_filename == "recovery-codes.txt"
    with open(download.value.path(), encoding="utf-8") as saved:
        assert saved.read().split() == codes
    therapist.get_by_role("link", name="Continue").click()

    # The roster is home: the header's main link leads there, the course is a link away.
    expect(therapist).to_have_url(re.compile(r"/clinic/$"))
    expect(therapist.locator("a.brand")).to_have_attribute("href", "/clinic/")
    expect(therapist.get_by_role("link", name="The course, for your own reading")).to_be_visible()
    search, apply = therapist.get_by_label("Name"), therapist.get_by_role("button", name="Apply")
    assert search.bounding_box()["y"] == pytest.approx(apply.bounding_box()["y"], abs=12)
    check("roster")

    # Invite: a link passed on by hand; the partner accepts it in their own browser.
    therapist.get_by_role("link", name="Invite a client").click()
    therapist.get_by_role("button", name="Create invitation").click()
    invite_url = therapist.locator("#invite-url").input_value()
    assert invite_url.startswith(f"{live_server.url}/invite/")
    check("invitations")
    partner = open_context().new_page()
    log_in(partner, "partner@example.com")
    expect(partner).to_have_url(re.compile(r"/home/$"))
    partner.goto(invite_url)
    partner.get_by_label("The name your therapist will see").fill("Sam")
    partner.get_by_role("button", name="Accept and link my account").click()
    expect(partner.get_by_text("You are now linked with Dr Rivera.")).to_be_visible()

    # A group of Sam and Alex, and a module assigned to the group: each their own assignment.
    therapist.goto("/clinic/")
    therapist.get_by_role("link", name="New group").click()
    check("new group")
    therapist.get_by_label("Group name").fill("Tuesday group")
    therapist.get_by_label("Sam").check()
    therapist.get_by_label("Alex").check()
    therapist.get_by_role("button", name="Save the group").click()
    expect(therapist.get_by_role("heading", level=1)).to_have_text("Tuesday group")
    therapist.get_by_role("link", name="Assign to the group").click()
    check("assign to a group")
    therapist.get_by_label("Module").select_option(label="Start here")
    therapist.get_by_label("Note for your client (optional)").fill("Before Tuesday, please.")
    therapist.get_by_role("button", name="Assign to 2 clients").click()
    expect(therapist.get_by_text("Assigned to 2 clients, each as their own")).to_be_visible()

    # The partner sees their own assignment and reads a lesson of it.
    partner.goto("/home/")
    assigned = partner.get_by_role("region", name="From your therapist")
    expect(assigned).to_contain_text("Before Tuesday, please.")
    expect(partner.locator("body")).not_to_contain_text("Tuesday group")
    lesson = Lesson.objects.get(slug="what-prodep-is")
    partner.goto(lesson.get_absolute_url())
    partner.get_by_label("Your private answer").fill(ANSWER)
    expect(partner.locator("[data-save-status]")).to_have_text(re.compile(r"^Saved at"))
    partner.get_by_role("button", name="Mark as read").click()
    expect(partner).not_to_have_url(re.compile(re.escape(lesson.get_absolute_url()) + "$"))
    # ...and shares that one answer (changing what is shared asks for the password).
    partner.goto("/journal/")
    answer = partner.locator("article").filter(has_text=ANSWER)
    answer.get_by_role("button", name="Share with Dr Rivera").click()
    partner.get_by_label("Password", exact=True).fill(PASSWORD)
    partner.get_by_role("button", name="Confirm").click()
    expect(partner.get_by_text("Sharing updated.")).to_be_visible()

    # Progress: the group's table, the roster's bars, the client's weeks.
    therapist.reload()
    table = therapist.get_by_role("table")
    expect(table.get_by_role("row").filter(has_text="Sam")).to_contain_text("1 of")
    expect(table.get_by_role("row").filter(has_text="Alex")).to_contain_text("0 of")
    check("group progress")
    therapist.goto("/clinic/")
    sam_row = therapist.get_by_role("row").filter(has_text="Sam")
    expect(sam_row).to_contain_text("Per module: Start here: 1 of")
    shot(therapist, "roster")
    therapist.set_viewport_size({"width": 320, "height": 800})
    shot(therapist, "roster-320")
    therapist.set_viewport_size({"width": 1280, "height": 800})
    sam_row.get_by_role("link", name="Sam").click()
    expect(therapist.get_by_role("heading", name="Lessons read per week")).to_be_visible()
    expect(therapist.locator("figcaption")).to_contain_text("1 lesson read in the last 8 weeks")
    shared = therapist.get_by_role("region", name="Reflections shared with you")
    expect(shared).to_contain_text(ANSWER)
    check("client page")
    shot(therapist, "client-page")

    # End the link: a confirmation that says what will happen; then undo it.
    therapist.get_by_role("link", name="End the link with Sam").click()
    expect(therapist.get_by_role("heading", name="End the link with Sam?")).to_be_visible()
    expect(therapist.locator("main")).to_contain_text("for 7 days you can undo this")
    check("end a link: confirmation")
    therapist.get_by_role("button", name="End the link").click()
    expect(therapist.get_by_text("You are no longer linked with Sam.")).to_be_visible()
    ended = therapist.get_by_role("region", name="Recently ended")
    expect(ended).to_contain_text("Sam: ended")
    check("roster with a recently ended link")
    ended.get_by_role("button", name="Undo").click()
    expect(therapist.get_by_text("You are linked with Sam again.")).to_be_visible()
    expect(therapist.get_by_role("heading", level=1)).to_have_text("Sam")
    expect(therapist.locator("main")).to_contain_text("Start here")  # the assignment is back

    # The other therapist pages, each checked the same way.
    assignment = therapist.get_by_role("link", name=re.compile(r"^Remove"))
    assignment.first.click()
    check("remove an assignment: confirmation")
    therapist.go_back()
    therapist.get_by_role("link", name="Assign a module or lesson").click()
    check("assign to a client")
    therapist.goto("/clinic/invitations/")
    therapist.get_by_role("button", name="Create invitation").click()
    therapist.get_by_role("link", name=re.compile("^Withdraw")).first.click()
    check("withdraw an invitation: confirmation")
    therapist.goto("/clinic/settings/")
    check("settings")
    therapist.goto("/clinic/")
    therapist.get_by_role("link", name="Tuesday group").click()
    therapist.get_by_role("link", name="Change the name or members").click()
    check("change a group")
    therapist.go_back()
    therapist.get_by_role("link", name="Delete the group").click()
    check("delete a group: confirmation")
    therapist.goto("/accounts/2fa/")
    check("two-factor settings")

    partner.goto("/care/who-has-seen-what/")
    log = partner.get_by_role("table")
    expect(log).to_contain_text("Ended the link with you")
    expect(log).to_contain_text("Undid ending the link")
    expect(log).to_contain_text("Saw your progress in their list of clients")
    expect(log).to_contain_text("Read a reflection you shared")
    expect(log).not_to_contain_text(ANSWER)
    check.page = partner
    check("the client's access log")

    assert len(check.pages) == 19, check.pages
    assert not check.problems, "\n".join(check.problems)
