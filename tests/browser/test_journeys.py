"""Partner journeys in a real browser, from a clean database, as a person would click.

Issue 8's journeys 1 (sign up, read, answer, resume), 2 (the same without JavaScript) and
3 (leaving quickly), and a keyboard-only run of journey 1's reading part. The therapist, data
export and idle-timeout journeys wait for those features.
"""

import re

import pytest
from playwright.sync_api import expect

from lessons.models import Lesson
from tests.factories import PASSWORD, answer, make_user

from .conftest import axe_problems, log_in

EMAIL = "new.partner@example.com"
FIRST_LESSON = "/lessons/start-here/what-prodep-is/"
ANSWER = "I am more than what happened to me."


@pytest.fixture
def course(synced_course):
    """The real curriculum, synced inside the test's database; returns how many lessons."""
    return Lesson.objects.filter(is_live=True).count()


def verification_code(mailoutbox) -> str:
    assert len(mailoutbox) == 1, [m.subject for m in mailoutbox]
    match = re.search(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]+)*)\s*$", mailoutbox[0].body, re.MULTILINE)
    assert match, mailoutbox[0].body
    return match.group(1)


def heading(page):
    return page.get_by_role("heading", level=1)


@pytest.mark.parametrize(
    "javascript", [True, False], ids=["journey-1-javascript", "journey-2-no-javascript"]
)
def test_sign_up_read_answer_and_resume(open_context, course, mailoutbox, shot, javascript):
    page = open_context(java_script_enabled=javascript).new_page()

    # Sign up and confirm the address with the code from the email.
    page.goto("/")
    expect(heading(page)).to_have_text("Support for partners after betrayal")
    shot(page, "01-landing")
    page.get_by_role("link", name="Create a free account").click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    again = page.get_by_label("Password (again)")
    again.fill(PASSWORD)
    shot(page, "02-sign-up")
    again.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/"))
    code = verification_code(mailoutbox)
    assert "prodep" not in mailoutbox[0].subject.lower()  # neutral on a shared inbox
    page.get_by_label("Code").fill(code)
    if javascript:  # the one page type that only a new account reaches
        assert not axe_problems(page)
    shot(page, "03-verification-code")
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/home/$"))
    expect(page.get_by_text(f"0 of {course} read")).to_be_visible()
    shot(page, "04-dashboard-new")

    # The once-only note about leaving quickly comes before the first lesson.
    page.get_by_role("link", name=re.compile(r"^What Prodep is")).click()
    expect(heading(page)).to_contain_text("Before you start")
    expect(page.get_by_role("heading", name="What it cannot do")).to_be_visible()
    shot(page, "05-before-you-start")
    page.get_by_role("button", name="I understand, continue").click()
    expect(page).to_have_url(re.compile(re.escape(FIRST_LESSON) + "$"))
    expect(heading(page)).to_have_text(re.compile(r"^What Prodep is"))

    # Answer the reflection: autosave with JavaScript, the Save button without.
    page.get_by_label("Your private answer").fill(ANSWER)
    if javascript:
        expect(page.locator("[data-save-status]")).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"))
    else:
        page.get_by_role("button", name="Save answer").click()
        expect(page.get_by_text("Your answer was saved.")).to_be_visible()
    shot(page, "06-lesson-answer-saved")
    page.get_by_role("button", name="Mark as read").click()
    expect(page.get_by_text("Marked as read.")).to_be_visible()
    expect(page.get_by_role("button", name="Mark as not read")).to_be_visible()
    expect(page.get_by_label("Your private answer")).to_have_value(ANSWER)

    # Open the next lesson without finishing it: the dashboard offers to resume it.
    page.get_by_role("navigation", name="Lessons in this module").get_by_role(
        "link", name=re.compile(r"→$")
    ).click()
    second = heading(page).inner_text()
    assert second and not second.startswith("What Prodep is")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    expect(page.get_by_text(f"1 of {course} read")).to_be_visible()
    expect(page.get_by_label("Whole course")).to_have_attribute("value", "1")
    expect(page.get_by_role("heading", name="Continue where you left off")).to_be_visible()
    expect(page.get_by_role("link", name=second)).to_be_visible()
    shot(page, "07-dashboard-progress")

    page.get_by_role("button", name="Sign out").click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")
    ).to_be_visible()
    page.goto("/home/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/home/$"))


@pytest.fixture
def reader(course):
    """A partner with one saved reflection on the first lesson."""
    user = make_user("reader@example.com")
    answer(user, Lesson.objects.get(slug="what-prodep-is").prompts.get().key, ANSWER)
    return user


def assert_left_without_trace(page, exit_url, shot):
    expect(page).to_have_url(exit_url)
    expect(page.locator("body")).to_contain_text("User-agent")
    shot(page, "2-neutral-page", full_page=False)
    assert not [c for c in page.context.cookies() if "session" in c["name"]]

    # Back never shows the lesson or the answer again: the page is gone from history or
    # fetched afresh, and the session has ended.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("body")).not_to_contain_text(ANSWER)
    expect(page.locator("body")).not_to_contain_text("What Prodep is, and what it is not")
    shot(page, "3-after-back", full_page=False)
    page.goto("/home/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/home/$"))


@pytest.mark.parametrize(
    "how", ["shift-three-times", "button", "skip-link-by-keyboard", "button-without-javascript"]
)
def test_journey_3_exit_this_page(open_context, reader, exit_url, shot, how):
    page = open_context(java_script_enabled=how != "button-without-javascript").new_page()
    log_in(page, reader.email)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto(FIRST_LESSON)
    expect(page.get_by_label("Your private answer")).to_have_value(ANSWER)
    shot(page, "1-lesson", full_page=False)

    if how == "shift-three-times":
        for _ in range(3):
            page.keyboard.press("Shift")
    elif how == "skip-link-by-keyboard":
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        expect(focused).to_have_text("Exit this page")
        expect(focused).to_have_class(re.compile(r"\bskip-link\b"))
        page.keyboard.press("Enter")
    else:
        page.locator(".exit-this-page").get_by_role("button", name="Exit this page").click()
    assert_left_without_trace(page, exit_url, shot)


def test_shift_pressed_with_other_keys_does_not_exit(page, reader):
    """Typing capitals in the answer box must never throw the reader out."""
    log_in(page, reader.email)
    page.goto(FIRST_LESSON)
    box = page.get_by_label("Your private answer")
    box.focus()
    for _ in range(4):
        box.press("Shift+A")  # Shift goes down and up around each capital
    expect(box).to_have_value(re.compile("AAAA"))
    expect(page).to_have_url(re.compile(re.escape(FIRST_LESSON)))


FOCUS_STATE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {
    tag: el.tagName.toLowerCase(),
    name: ["input", "textarea", "select"].includes(el.tagName.toLowerCase())
      ? el.id : (el.innerText || el.getAttribute("aria-label") || "").trim(),
    visible: outline || style.boxShadow !== "none",
  };
}"""


def tab_to(page, name: str | re.Pattern, seen: list, limit: int = 80):
    """Press Tab until the focused element's name matches; every stop must show focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        seen.append(state)
        assert state["visible"], f"no visible focus on {state}"
        if name.search(state["name"]) if isinstance(name, re.Pattern) else state["name"] == name:
            return state
    raise AssertionError(f"{name!r} not reached by Tab; stops: {[s['name'] for s in seen]}")


def test_keyboard_only_sign_in_read_answer_and_mark_read(page, course, shot):
    make_user("keys@example.com", seen_safety_intro=False)
    seen: list[dict] = []
    page.goto("/accounts/login/")
    tab_to(page, "id_login", seen)
    page.keyboard.type("keys@example.com")
    tab_to(page, "id_password", seen)
    page.keyboard.type(PASSWORD)
    tab_to(page, "Sign In", seen)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/home/$"))

    tab_to(page, re.compile(r"^What Prodep is"), seen)
    page.keyboard.press("Enter")
    expect(heading(page)).to_contain_text("Before you start")
    tab_to(page, "I understand, continue", seen)
    page.keyboard.press("Space")
    expect(heading(page)).to_have_text(re.compile(r"^What Prodep is"))

    tab_to(page, "answer-m1-what-brought-you", seen)
    page.keyboard.type(ANSWER)
    tab_to(page, "Save answer", seen)  # leaving the box saves at once
    shot(page, "1-save-button-focused", full_page=False)
    page.keyboard.press("Space")
    expect(page.locator("[data-save-status]")).to_have_text(re.compile(r"^Saved at"))
    tab_to(page, "Mark as read", seen)
    shot(page, "2-mark-as-read-focused", full_page=False)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Marked as read.")).to_be_visible()
    expect(page.get_by_label("Your private answer")).to_have_value(ANSWER)
    assert {"a", "input", "button", "textarea"} <= {s["tag"] for s in seen}
