"""Every page type: no axe-core violation of any impact at 320 and 1280 px, light and dark;
valid HTML by the Nu HTML Checker; nothing scrolls sideways on a phone or at 200% zoom; and
(through the ``guard`` fixture) no console error or CSP violation anywhere.

The page types are in ``page_types.py``.
"""

import pytest
from playwright.sync_api import expect

from .conftest import axe_problems
from .page_types import every_lesson, visit_every_page_type

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 320, "height": 640}}
SETUPS = {
    "desktop": (DESKTOP, {"axe"}),
    "desktop-dark": ({**DESKTOP, "color_scheme": "dark"}, {"axe"}),
    "phone-320": (PHONE, {"axe", "sideways", "every-lesson"}),
    "phone-320-dark": ({**PHONE, "color_scheme": "dark"}, {"axe"}),
    # 200% zoom of a 1280 x 800 window: the layout gets half the CSS pixels.
    "zoom-200": ({"viewport": {"width": 640, "height": 400}}, {"sideways"}),
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


@pytest.mark.parametrize("setup", list(SETUPS))
def test_every_page_type(open_context, sign_in_context, guard, site, shot, setup):
    guard.allow_404 = True
    options, checks = SETUPS[setup]
    problems: list[str] = []

    def check(name, page, html):
        expect(page.locator("h1")).to_be_visible()
        problems.extend(p for p in [unstyled(page)] if p)
        if "sideways" in checks:
            problems.extend(p for p in [sideways_scroll(page)] if p)
        if "axe" in checks:
            problems.extend(f"{name}: {p}" for p in axe_problems(page))
        shot(page, name, full_page=setup.startswith("phone"))

    context = open_context(**options)
    seen = visit_every_page_type(context, sign_in_context, site, check)
    assert len(seen) >= 60, seen
    if "every-lesson" in checks:
        sign_in_context(context, site.partner)
        page = context.new_page()
        for path in every_lesson().values():
            page.goto(path)
            problems.extend(p for p in [sideways_scroll(page), *axe_problems(page)] if p)
    assert not problems, "\n".join(problems)


def test_every_page_type_is_valid_html(
    context,
    sign_in_context,
    guard,
    site,
    html_errors,  # noqa: F811
):
    """The Nu HTML Checker on the HTML the server sent for every page type: no error."""
    guard.allow_404 = True
    documents: dict[str, str] = {}
    visit_every_page_type(context, sign_in_context, site, lambda n, p, h: documents.update({n: h}))
    sign_in_context(context, site.partner)
    page = context.new_page()
    for slug, path in every_lesson().items():
        documents[f"lesson-{slug}"] = page.goto(path).text()
    assert len(documents) >= 99, sorted(documents)
    errors = html_errors(documents)
    assert errors == [], "\n".join(errors)


def test_the_html_checker_finds_what_it_must(html_errors):
    """The check above can fail: the two kinds of error this project once shipped."""
    page = "<!doctype html><html lang=en><head><title>t</title></head><body>{}</body></html>"
    errors = html_errors(
        {
            "form-in-paragraph": page.format("<p><form method=post><button>x</button></form></p>"),
            "list-in-span": page.format("<p><span><ul><li>rule</li></ul></span></p>"),
        }
    )
    assert any(e.startswith("form-in-paragraph:") for e in errors), errors
    assert any(e.startswith("list-in-span:") for e in errors), errors


def test_axe_finds_what_it_must(page):
    """The axe check above can fail: a link outside every landmark, as the skip links were."""
    page.set_content(
        "<!doctype html><html lang='en'><head><title>t</title></head><body>"
        "<a href='#main'>Skip</a><a href='/exit/'>Exit this page</a>"
        "<main id='main'><h1>Title</h1></main></body></html>"
    )
    assert any(": region (moderate)" in problem for problem in axe_problems(page))
