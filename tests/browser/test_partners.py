"""Issue 15's journeys for readers: a reader in Los Angeles, sharing from the lesson, marking
lessons read, the lesson on a phone, and signing out."""

import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lessons.models import Lesson
from prodep.accounts.models import Profile
from prodep.clinic.models import Share
from prodep.journal.models import Reflection
from tests.factories import PASSWORD, answer, link, make_therapist, make_user

from .conftest import log_in

LOS_ANGELES = "America/Los_Angeles"
FIRST = "/lessons/start-here/what-prodep-is/"


@pytest.fixture
def course(synced_course):
    return synced_course


def test_a_reader_in_los_angeles_sees_the_same_time_before_and_after_a_reload(
    open_context, course, shot
):
    page = open_context(timezone_id=LOS_ANGELES).new_page()
    user = make_user("la@example.com")

    # The first page after signing in tells the server the browser's zone, once.
    with page.expect_response("**/settings/time-zone/") as reported:
        log_in(page, user.email)
    assert reported.value.status == 200
    assert Profile.objects.get(user=user).time_zone == LOS_ANGELES

    page.goto(FIRST)
    page.get_by_label("Your private answer").fill("Written in the evening.")
    status = page.locator("[data-save-status]")
    expect(status).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"))  # no "UTC": a known zone
    saved = Reflection.objects.get(user=user).updated_at.astimezone(ZoneInfo(LOS_ANGELES))
    clock = status.inner_text().removeprefix("Saved at ")
    assert clock == saved.strftime("%H:%M")
    shot(page, "1-saved", full_page=False)

    page.reload()
    help_text = page.locator("#answer-m1-what-brought-you-help")
    expect(help_text).to_contain_text(f"last saved {saved.day} {saved:%b %Y}, {clock}.")
    shot(page, "2-after-reload", full_page=False)

    # Nothing is sent again on later pages: the stored zone matches.
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "/settings/time-zone/" in r.url else None)
    page.goto("/journal/")
    expect(page.locator("article")).to_contain_text(f"Last edited {saved.day} {saved:%b %Y}")
    assert sent == []


def test_a_reader_shares_an_answer_from_the_lesson_and_unshares_it(open_context, course, shot):
    page = open_context().new_page()
    reader = make_user("reader@example.com")
    therapist = make_therapist("rivera@example.com")
    care_link = link(therapist, reader)
    lesson = Lesson.objects.get(slug="what-prodep-is")
    reflection = answer(reader, lesson.prompts.get().key, "I keep checking his phone.")
    name = therapist.display_name

    log_in(page, reader.email)
    page.goto(FIRST)
    slot = page.locator(".reflection")
    expect(slot).to_contain_text("Only you can read this.")
    slot.get_by_role("button", name=f"Share with {name}").click()

    # The password is asked again, and the page says why, in our words.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    expect(page.get_by_text("You are about to change who can read one of your answers."))
    expect(page.get_by_text("If someone picks up this device")).to_be_visible()
    shot(page, "1-why-we-ask")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    # Back on the lesson, at the answer, labelled as shared.
    expect(page).to_have_url(re.compile(re.escape(FIRST) + "#reflection-m1-what-brought-you$"))
    shared = Share.objects.get(reflection=reflection, link=care_link)
    when = timezone.localtime(shared.shared_at, timezone.UTC)
    slot = page.locator(".reflection")
    expect(slot).to_contain_text(f"Shared with {name} on {when.day} {when:%b %Y}")
    expect(slot).to_contain_text("You and the therapists named below can read this.")
    shot(page, "2-shared", full_page=False)

    slot.get_by_role("button", name=f"Unshare with {name}").click()  # asked a moment ago
    expect(page.get_by_text("This answer is private again: only you can read it.")).to_be_visible()
    expect(page.locator(".reflection").get_by_role("button", name=f"Share with {name}"))
    assert not Share.objects.filter(reflection=reflection).exists()


def test_mark_as_read_moves_on_then_says_done_at_the_end_of_the_module(
    open_context, sign_in_context, course, shot
):
    page = open_context().new_page()
    sign_in_context(page.context, make_user("onward@example.com"))
    third = Lesson.objects.get(slug="staying-safe-on-a-shared-device")
    fourth = Lesson.objects.get(slug="using-prodep-with-a-therapist")

    page.goto(third.get_absolute_url())
    page.get_by_role("button", name="Mark as read").click()
    expect(page).to_have_url(re.compile(re.escape(fourth.get_absolute_url()) + "$"))
    expect(page.get_by_text(f"“{third.title}” is marked as read. On to the next.")).to_be_visible()
    assert page.evaluate("window.scrollY") == 0  # the top of the next lesson

    page.get_by_role("button", name="Mark as read").click()
    expect(page).to_have_url(re.compile(r"/lessons/start-here/$"))
    expect(page.get_by_text("Done: that was the last lesson in “Start here”.")).to_be_visible()
    expect(page.get_by_text("2 lessons here without a tick still to read.")).to_be_visible()
    for lesson in (third, fourth):
        title = page.get_by_role("heading", name=re.compile(re.escape(lesson.title)))
        expect(title).to_have_text(re.compile(r"✓\s*Read$"))
    unread = page.get_by_role("heading", name=re.compile(r"^What Prodep is"))
    expect(unread).not_to_contain_text("Read")
    shot(page, "module-done")


def test_on_a_phone_the_lesson_opens_with_its_contents_and_a_compact_exit(
    open_context, sign_in_context, course, shot
):
    page = open_context(viewport={"width": 320, "height": 640}).new_page()
    sign_in_context(page.context, make_user("phone@example.com"))
    page.goto(FIRST)
    page.keyboard.press("Tab")  # the exit comes first in the tab order
    expect(page.locator(":focus")).to_have_text("Exit this page")

    # The contents: collapsed, right under the title and summary, before the text.
    contents = page.locator("details.toc--narrow")
    expect(contents).to_be_visible()
    expect(contents).not_to_have_attribute("open", "")
    expect(page.locator("nav.toc--wide")).to_be_hidden()
    body_top = page.locator(".lesson-body").bounding_box()["y"]
    assert contents.bounding_box()["y"] < body_top
    contents.get_by_text("On this page").click()
    first_entry = contents.get_by_role("link").first
    expect(first_entry).to_be_visible()
    shot(page, "1-contents-open", full_page=False)

    # The exit control: small, first in the tab order, and on screen however far one scrolls.
    button = page.locator(".exit-this-page__button")
    box = button.bounding_box()
    assert box["height"] <= 40 and box["y"] <= 10, box
    assert page.locator("h1").bounding_box()["y"] < 0.3 * 640  # the title in the first third
    page.evaluate("window.scrollTo(0, 5000)")
    assert page.evaluate("window.scrollY") > 2000
    box = button.bounding_box()
    assert 0 <= box["y"] <= 10 and box["x"] + box["width"] <= 320, box
    expect(button).to_be_visible()
    shot(page, "2-scrolled", full_page=False)


def test_signing_out_says_so_neutrally_in_discreet_mode(open_context, sign_in_context, course):
    page = open_context().new_page()
    user = make_user("quiet@example.com")
    Profile.objects.filter(user=user).update(discreet_mode=True)
    sign_in_context(page.context, user)
    page.goto("/home/")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are signed out")
    expect(page).to_have_title("Notes")
    expect(page.locator("main")).not_to_contain_text("answers")
    expect(page.get_by_role("link", name="Sign in again")).to_be_visible()


def test_the_sessions_page_names_this_device_in_words_on_a_small_phone(open_context, course, shot):
    user = make_user("devices@example.com")
    page = open_context(viewport={"width": 320, "height": 640}).new_page()
    log_in(page, user.email)
    page.goto("/accounts/sessions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Where you are signed in")
    expect(page.locator(".session-list__device")).to_have_text(
        "Chrome on Linux · this device · active now"
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, width
    shot(page, "sessions-320")


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/", "/signed-out/"])
def test_account_pages_leave_room_above_the_footer(page, course, path):
    page.goto(path)
    gap = page.evaluate(
        "() => document.querySelector('footer').getBoundingClientRect().top"
        " - document.querySelector('main').lastElementChild.getBoundingClientRect().bottom"
    )
    assert gap >= 32, gap
