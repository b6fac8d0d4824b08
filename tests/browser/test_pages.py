"""Every page type: axe-core finds nothing serious, nothing scrolls sideways on a phone or at
200% zoom, and (through the ``guard`` fixture) no console error or CSP violation anywhere."""

import pytest
from playwright.sync_api import expect

from lessons.models import Lesson
from prodep.journal.models import Reflection
from tests.factories import answer, make_author, make_user

from .conftest import axe_problems

ANONYMOUS_PAGES = {
    "landing": "/",
    "log-in": "/accounts/login/",
    "sign-up": "/accounts/signup/",
    "password-reset": "/accounts/password/reset/",
    "safety": "/safety/",
    "crisis": "/help/crisis/",
    "glossary": "/help/glossary/",
    "404": "/no-such-page/",
}
PARTNER_PAGES = {
    "dashboard": "/home/",
    "catalogue": "/lessons/",
    "module": "/lessons/start-here/",
    "lesson": "/lessons/start-here/what-prodep-is/",
    "journal": "/journal/",
    "journal-edit": "/journal/{reflection}/edit/",
    "journal-delete": "/journal/{reflection}/delete/",
    "before-you-start": "/before-you-start/",
    "settings": "/settings/",
    "404-signed-in": "/lessons/start-here/no-such-lesson/",
}
AUTHOR_PAGES = {
    "preview-index": "/preview/",
    "preview": "/preview/01-start-here/01-what-prodep-is.md",
}

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
SETUPS = {
    "desktop": DESKTOP,
    "desktop-dark": {**DESKTOP, "color_scheme": "dark"},
    "phone-375": {"viewport": {"width": 375, "height": 740}},
    # 200% zoom of a 1280 x 800 window: the layout gets half the CSS pixels.
    "zoom-200": {"viewport": {"width": 640, "height": 400}},
}


@pytest.fixture
def site(synced_course):
    """The real curriculum; a partner with an answer; an author."""
    partner = make_user("partner@example.com")
    lesson = Lesson.objects.get(slug="what-prodep-is")
    answer(partner, lesson.prompts.get().key, "Something private.\nOn two lines.")
    return {
        "partner": partner,
        "author": make_author("author@example.com"),
        "reflection": Reflection.objects.get().pk,
    }


def sideways_scroll(page) -> str | None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1).slice(0, 3).map(e => e.tagName + '.' + e.className)]"
    )
    if widths[0] > widths[1]:
        return f"{page.url}: {widths[0]}px wide in a {widths[1]}px window; too wide: {widths[2]}"
    return None


def unstyled(page) -> str | None:
    """The stylesheet loaded and applies (the guard also fails any static file error)."""
    if page.evaluate("() => getComputedStyle(document.body).display") != "flex":
        return f"{page.url}: site.css is not applied"
    return None


def visit_all(page, pages: dict, site: dict, check, shot=None):
    problems = []
    for name, path in pages.items():
        response = page.goto(path.format(**site))
        assert response.status == (404 if name.startswith("404") else 200), (name, path)
        expect(page.locator("h1")).to_be_visible()
        problems += check(page)
        if shot:
            shot(page, name)
    return problems


@pytest.mark.parametrize("setup", list(SETUPS))
def test_every_page_type(open_context, sign_in_context, guard, site, shot, setup):
    """Axe on the desktop, light and dark; no sideways scrolling on a phone or at 200% zoom,
    on every lesson too."""
    guard.allow_404 = True
    desktop = setup.startswith("desktop")

    def check(page):
        found = [p for p in [unstyled(page), sideways_scroll(page)] if p]
        if desktop:
            found += axe_problems(page)
        return found

    def save(page, name):
        shot(page, name, full_page=not desktop)

    context = open_context(**SETUPS[setup])
    page = context.new_page()
    problems = visit_all(page, ANONYMOUS_PAGES, site, check, save)
    sign_in_context(context, site["partner"])
    problems += visit_all(page, PARTNER_PAGES, site, check, save)
    if not desktop:
        lessons = {
            lesson.slug: lesson.get_absolute_url()
            for lesson in Lesson.objects.filter(is_live=True).order_by("id")
        }
        problems += visit_all(page, lessons, site, check)
    context.clear_cookies()
    sign_in_context(context, site["author"])
    problems += visit_all(page, AUTHOR_PAGES, site, check, save)
    assert not problems, "\n".join(problems)
