"""Partner journeys in a real browser, from a clean database, as a person would click.

Issue 8's journeys 1 (sign up, read, answer, resume), 2 (the same without JavaScript),
3 (leaving quickly), 6 (download my data, then delete the account) and 7 (the idle warning
keeps a typed answer), and a keyboard-only run of journey 1's reading part. Journey 4 (the
therapist) is in test_therapist.py, journey 5 (authoring) in test_authoring.py.
"""

import datetime
import json
import re
import zipfile
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from lessons.models import Lesson
from prodep.accounts.models import User
from prodep.journal.models import Reflection
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
    page.get_by_label("Password", exact=True).fill(PASSWORD)
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
    contrast = page.get_by_role("region", name="Your reaction to finding out")
    expect(contrast).to_contain_text("Prodependence sees the same reactions")
    contrast.evaluate("block => block.scrollIntoView({block: 'center'})")
    shot(page, "06-lesson-contrast", full_page=False)

    # Answer the reflection: autosave with JavaScript, the Save button without.
    page.get_by_label("Your private answer").fill(ANSWER)
    if javascript:
        expect(page.locator("[data-save-status]")).to_have_text(
            re.compile(r"^Saved at \d\d:\d\d( UTC)?$")
        )
    else:
        page.get_by_role("button", name="Save answer").click()
        expect(page.get_by_text("Your answer was saved.")).to_be_visible()
    shot(page, "07-lesson-answer-saved")

    # Marking it read moves on to the next lesson, which is left unfinished.
    page.get_by_role("button", name="Mark as read").click()
    expect(
        page.get_by_text("“What Prodep is, and what it is not” is marked as read.")
    ).to_be_visible()
    second = heading(page).inner_text()
    assert second and not second.startswith("What Prodep is")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    expect(page.get_by_text(f"1 of {course} read")).to_be_visible()
    expect(page.get_by_label("Whole course")).to_have_attribute("value", "1")
    expect(page.get_by_role("heading", name="Continue where you left off")).to_be_visible()
    expect(page.get_by_role("link", name=second)).to_be_visible()
    shot(page, "08-dashboard-progress")

    # The module page ticks the lesson read; its answer is kept.
    page.get_by_role("link", name="Start here", exact=True).first.click()
    read = page.get_by_role("heading", name=re.compile(r"^What Prodep is.*Read$"))
    expect(read).to_be_visible()
    read.get_by_role("link").click()
    expect(page.get_by_label("Your private answer")).to_have_value(ANSWER)
    expect(page.get_by_role("button", name="Mark as not read")).to_be_visible()

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
    tab_to(page, "Sign in", seen)
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
    expect(page.get_by_text(re.compile(r"is marked as read\. On to the next\."))).to_be_visible()
    expect(heading(page)).not_to_have_text(re.compile(r"^What Prodep is"))
    assert {"a", "input", "button", "textarea"} <= {s["tag"] for s in seen}


def test_journey_6_download_my_data_then_delete_the_account(page, reader, shot):
    log_in(page, reader.email)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Download your data, or delete your account").click()
    expect(heading(page)).to_have_text("Your data")
    shot(page, "1-your-data")

    # The download asks for the password first, then the zip arrives.
    page.get_by_role("button", name="Download my data").click()
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_download() as download:
        page.get_by_role("button", name="Confirm").click()
    assert download.value.suggested_filename == "my-data.zip"
    with zipfile.ZipFile(download.value.path()) as archive:
        assert sorted(archive.namelist()) == ["my-data.json", "my-data.md"]
        data = json.loads(archive.read("my-data.json"))
        assert ANSWER in archive.read("my-data.md").decode()
    assert data["account"]["email"] == reader.email
    assert [r["answer"] for r in data["reflections"]] == [ANSWER]

    # Deleting needs the word typed; then the account is gone and the landing page shows.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Download your data, or delete your account").click()
    page.get_by_role("link", name="Delete my account…").click()
    expect(heading(page)).to_have_text("Delete your account")
    page.get_by_label('Type "delete" to confirm').fill("delete")
    shot(page, "2-delete-confirm")
    page.get_by_role("button", name="Delete my account").click()
    expect(page).to_have_url(re.compile(r"/\?account=deleted$"))
    expect(heading(page)).to_have_text("Support for partners after betrayal")
    expect(page.get_by_text("Your account and everything in it have been deleted.")).to_be_visible()
    shot(page, "3-deleted")
    assert not User.objects.filter(email=reader.email).exists()

    # The same email and password no longer open anything.
    log_in(page, reader.email)
    expect(page.get_by_text("not correct")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.goto("/home/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/home/$"))


def test_journey_7_idle_warning_saves_the_answer_and_signs_out(page, course, settings, shot):
    """The warning comes SESSION_IDLE_WARNING_SECONDS before the end; page timers run on
    Playwright's clock until the end, which needs the server's session to lapse for real."""
    settings.SESSION_COOKIE_AGE = 8
    settings.SESSION_IDLE_WARNING_SECONDS = 6
    user = make_user("idle@example.com")
    typed = "Written just before I stepped away."
    page.clock.install(time=datetime.datetime.now())
    page.clock.pause_at(datetime.datetime.now() + datetime.timedelta(seconds=1))
    log_in(page, user.email)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto(FIRST_LESSON)
    box = page.get_by_label("Your private answer")
    warning = page.locator("[data-idle-warning]")
    status = page.locator("[data-save-status]")

    # Typed one second before the warning: the autosave pause (1.2 s) has not run out when
    # the warning comes, and the warning saves the answer itself.
    page.clock.run_for(1000)
    box.fill(typed)
    expect(status).to_have_text("Unsaved changes")
    page.clock.run_for(1000)
    expect(warning).to_be_visible()
    expect(warning.get_by_role("heading")).to_have_text("Are you still there?")
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    expect(status).to_have_text(re.compile(r"^Saved at \d\d:\d\d( UTC)?$"))
    assert Reflection.objects.get(user=user).text == typed
    shot(page, "1-idle-warning", full_page=False)

    # From here the page's clock runs in step with the server's.
    page.clock.resume()
    with page.expect_response("**/session/keepalive/") as keepalive:
        page.get_by_role("button", name="Stay signed in").click()
    assert keepalive.value.status == 200  # 401 once the session has ended on the server
    expect(warning).to_be_hidden()

    # Left alone, the session ends on the server and the page goes to the log-in page.
    expect(page).to_have_url(
        re.compile(re.escape(f"/accounts/login/?next={quote(FIRST_LESSON, safe='')}") + "$"),
        timeout=20_000,
    )
    shot(page, "2-signed-out", full_page=False)
    page.get_by_label("Email").fill(user.email)
    password = page.get_by_label("Password", exact=True)
    password.fill(PASSWORD)
    password.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(FIRST_LESSON) + "$"))
    expect(page.get_by_label("Your private answer")).to_have_value(typed)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Journal").click()
    expect(page.locator("article")).to_contain_text(typed)
