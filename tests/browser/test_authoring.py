"""Journey 5: an author edits lesson files and sees the result in the browser at once.

In development (``DEBUG``) the content folder is re-synced when a file changes, so a reload
shows the edit; the preview page shows the checks; a draft stays hidden from partners.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import lesson_file, make_author, make_course, make_user, sync, write

LESSON_1 = "/lessons/first/lesson-1/"
DRAFT = "/lessons/first/coming-soon/"


def lesson_body(text: str, prompt: str = "p1") -> str:
    return f"## Section\n\n{text}\n\n::: reflection id={prompt}\nWhat do you notice?\n:::\n"


@pytest.fixture
def course(content_dir, settings):
    settings.DEBUG = True  # what `make run` gives an author: re-sync on every changed file
    make_course(content_dir, lessons=2)
    sync(content_dir)
    return content_dir


def test_journey_5_author_edits_previews_and_drafts(
    open_context, sign_in_context, course, guard, shot
):
    guard.allow_404 = True
    author = open_context().new_page()
    sign_in_context(author.context, make_author("author@example.com"))
    partner = open_context().new_page()
    sign_in_context(partner.context, make_user("partner@example.com"))

    partner.goto(LESSON_1)
    expect(partner.get_by_text("Text of lesson 1.")).to_be_visible()

    # An edit shows on the next page load, for the author and for partners.
    author.goto(LESSON_1)
    write(course, "01-first/01-lesson-1.md", lesson_file("Lesson 1", lesson_body("Fresh text.")))
    author.reload()
    expect(author.get_by_text("Fresh text.")).to_be_visible()
    expect(author.get_by_text("Text of lesson 1.")).to_have_count(0)
    shot(author, "1-edited-lesson")
    partner.reload()
    expect(partner.get_by_text("Fresh text.")).to_be_visible()

    # A draft: the author sees it with a banner; a partner cannot find or open it.
    write(
        course,
        "01-first/03-coming-soon.md",
        lesson_file("Coming soon", lesson_body("Not ready.", "p3"), extra="status: draft\n"),
    )
    author.goto("/lessons/first/")
    author.get_by_role("link", name="Coming soon").click()
    expect(author.get_by_text("Draft: only authors can see this lesson.")).to_be_visible()
    shot(author, "2-draft-as-author")
    partner.goto("/lessons/first/")
    expect(partner.get_by_role("link", name="Lesson 2")).to_be_visible()
    expect(partner.get_by_text("Coming soon")).to_have_count(0)
    response = partner.goto(DRAFT)
    assert response.status == 404
    expect(partner.get_by_text("Not ready.")).to_have_count(0)

    # A blaming word: the preview shows the rendered file and the language check beside it.
    write(course, "_language.yml", "enabling: helping in ways that may not work\n")
    write(
        course,
        "01-first/02-lesson-2.md",
        lesson_file("Lesson 2", lesson_body("Stop enabling him.", "p2")),
    )
    author.goto("/preview/01-first/02-lesson-2.md")
    expect(author.get_by_text("Stop enabling him.")).to_be_visible()
    checks = author.get_by_role("complementary", name="Checks")
    expect(checks).to_contain_text("blaming or pathologising language: 'enabling'")
    expect(checks).to_contain_text("Try: helping in ways that may not work")
    shot(author, "3-preview-language-check")

    # Quoting the term (discussing it, not applying it) clears the check.
    write(
        course,
        "01-first/02-lesson-2.md",
        lesson_file("Lesson 2", lesson_body('Some call this "enabling".', "p2")),
    )
    author.reload()
    expect(author.get_by_role("complementary", name="Checks")).to_contain_text("No problems found.")
    partner.goto("/lessons/first/lesson-2/")
    expect(partner.get_by_text(re.compile(r"Some call this .enabling."))).to_be_visible()


def test_an_author_finds_the_preview_from_the_navigation(
    open_context, sign_in_context, course, shot
):
    """No address to remember: "Authoring" in the navigation, problems first, in line order."""
    write(course, "_language.yml", "enable: help, support\n")
    write(
        course,
        "01-first/02-lesson-2.md",
        lesson_file("Lesson 2", "Line one.\n\n::: oops\nx\n:::\n\nThis enables him.\n"),
    )
    page = open_context().new_page()
    sign_in_context(page.context, make_author("author@example.com"))
    page.goto("/home/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Authoring").click()
    expect(page).to_have_url(re.compile(r"/preview/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Authoring")
    rows = page.get_by_role("row")
    expect(rows.nth(1)).to_contain_text("Lesson 2")  # the file with problems comes first
    expect(rows.nth(1)).to_contain_text("01-first/02-lesson-2.md")
    expect(rows.nth(1).get_by_role("cell").nth(3)).to_have_text("2")
    expect(rows.nth(2).get_by_role("cell").nth(3)).to_have_text("None")
    shot(page, "1-authoring-list")

    rows.nth(1).get_by_role("link", name="Lesson 2").click()
    checks = page.get_by_role("complementary", name="Checks").get_by_role("listitem")
    expect(checks).to_have_count(2)
    expect(checks.nth(0)).to_contain_text("Line 7: unknown block 'oops'")
    expect(checks.nth(1)).to_contain_text(
        "Line 11: blaming or pathologising language: 'enables' (a form of 'enable')"
    )
    shot(page, "2-preview-checks")

    # Partners never see the link.
    partner = open_context().new_page()
    sign_in_context(partner.context, make_user("partner@example.com"))
    partner.goto("/home/")
    expect(partner.get_by_role("link", name="Authoring")).to_have_count(0)
