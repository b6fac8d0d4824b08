"""The shipped curriculum has the shape the course promises."""

import re

import pytest
from django.urls import reverse

from lessons.models import Lesson, Module, Page, Prompt, Status
from lessons.validation import COUPLES_THERAPY_RE
from tests.factories import make_user

GLOSSARY_TERMS = [
    "codependence",
    "prodependence",
    "relational-trauma",
    "micro-betrayal",
    "interdependence",
    "attachment",
    "boundary",
    "self-care",
    "secure-functioning",
    "request",
    "coercive-control",
    "trigger",
    "therapeutic-disclosure",
]

# The topics a partner-trauma clinician requires, each with a lesson of its own.
REQUIRED_LESSONS = {
    "the-first-weeks": [
        "steadying-yourself-first",
        "grounding-when-feelings-flood",
        "who-to-tell",
        "sexual-health-after-discovery",
        "when-you-are-afraid-of-your-partner",
        "a-plan-for-hard-days",
    ],
    "when-trust-breaks": ["discovery-and-disclosure"],
    "two-lenses": ["other-maps-you-may-meet"],
    "caring-for-yourself": ["boundaries-and-requests", "triggers-and-intimacy"],
    "family-and-support": ["children", "finding-support-that-fits"],
    "rebuilding-and-next-steps": [
        "what-real-change-looks-like",
        "deciding-in-your-own-time",
        "money-home-and-legal-questions",
    ],
}
AFRAID = "02-the-first-weeks/05-when-you-are-afraid-of-your-partner.md"
RENAMED = {
    "boundaries-as-requests": ("caring-for-yourself", "boundaries-and-requests"),
    "finding-the-right-help": ("family-and-support", "finding-support-that-fits"),
    "deciding-at-your-own-pace": ("rebuilding-and-next-steps", "deciding-in-your-own-time"),
}
# Every line the crisis page adds, by country: (what a reader looks for, the number).
CRISIS_SERVICES = [
    ("canada", "988"),
    ("ireland", "1800 341 900"),
    ("ireland", "116 123"),
    ("australia", "000"),
    ("australia", "13 11 14"),
    ("australia", "1800 737 732"),
    ("united-kingdom", "0808 2000 247"),
    ("united-kingdom", "0800 027 1234"),
    ("united-kingdom", "0808 80 10 800"),
    ("united-kingdom", "0808 802 1414"),
    ("united-kingdom", "0808 801 0327"),
    ("united-kingdom", "0800 999 5428"),
    ("united-kingdom", "85258"),
    ("united-states", "741741"),
    ("united-states", "88788"),
    ("united-states", "1-800-799-7233"),
    ("united-states", "1-866-488-7386"),
]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def course(synced_course):
    return Lesson.objects.filter(is_live=True, status=Status.PUBLISHED).select_related("module")


def test_at_least_nine_modules_and_thirty_eight_lessons(course):
    assert Module.objects.filter(is_live=True).count() >= 9
    assert course.count() >= 38


def test_the_stabilisation_module_is_among_the_first_three(course):
    first_three = Module.objects.filter(is_live=True).order_by("position")[:3]
    assert "the-first-weeks" in [module.slug for module in first_three]


def test_each_required_topic_has_a_lesson_of_its_own(course):
    published = {(lesson.module.slug, lesson.slug) for lesson in course}
    for module, slugs in REQUIRED_LESSONS.items():
        for slug in slugs:
            assert (module, slug) in published, (module, slug)


def test_every_lesson_has_a_summary_a_prompt_references_and_key_ideas(course):
    for lesson in course:
        assert lesson.summary.strip(), lesson.slug
        assert lesson.prompts.filter(is_live=True).exists(), lesson.slug
        assert lesson.references, lesson.slug
        assert 'id="key-ideas"' in lesson.html, lesson.slug


def test_every_lesson_is_a_readable_length(course):
    for lesson in course:
        assert 500 <= lesson.word_count <= 1200, (lesson.slug, lesson.word_count)


def test_every_lesson_that_names_couples_therapy_links_the_afraid_lesson(course):
    named = [lesson for lesson in course if COUPLES_THERAPY_RE.search(text_of(lesson.html))]
    assert len(named) >= 5  # the check below must have something to check
    for lesson in named:
        if lesson.slug != "when-you-are-afraid-of-your-partner":
            assert AFRAID in lesson.links, lesson.slug


def test_every_reference_has_a_year_or_nd(course):
    year = re.compile(r"\((?:\d{4}(?:/\d{4})?|n\.d\.)\)")
    for lesson in course:
        for reference in lesson.references:
            assert year.search(reference), (lesson.slug, reference)


def test_prodependence_is_weisss_and_the_course_does_not_say_otherwise(synced_course):
    pages = [*Lesson.objects.filter(is_live=True), *Page.objects.filter(is_live=True)]
    pages += list(Module.objects.filter(is_live=True))
    for page in pages:
        text = text_of(getattr(page, "html", "") or getattr(page, "intro_html", ""))
        assert not re.search(r"with Kim Buck|Weiss and Kim Buck|Weiss and Buck", text), page
        assert "heroes" not in text and "heroic" not in text, page
        assert "boundaries as requests" not in text.lower(), page


def test_the_dsm_point_is_made_once(course):
    saying_it = [lesson.slug for lesson in course if "DSM-5" in text_of(lesson.html)]
    assert saying_it == ["other-maps-you-may-meet"]


def test_old_addresses_of_renamed_lessons_redirect(synced_course, client):
    client.force_login(make_user())
    for old, (module, new) in RENAMED.items():
        response = client.get(reverse("lessons:lesson", args=[module, old]))
        assert response.status_code == 301, old
        assert response.url == reverse("lessons:lesson", args=[module, new])


def test_at_least_twelve_contrast_blocks(course):
    assert sum(lesson.html.count('class="contrast"') for lesson in course) >= 12


def test_every_module_points_to_real_help(course):
    for module in Module.objects.filter(is_live=True):
        htmls = [lesson.html for lesson in course if lesson.module_id == module.id]
        assert any("callout--safety" in html and "/help/crisis/" in html for html in htmls), (
            module.slug
        )


def test_prompt_ids_are_unique_and_stable_looking(synced_course):
    keys = list(Prompt.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key) for key in keys)


def test_glossary_defines_every_term_and_crisis_page_lists_services(synced_course):
    glossary = Page.objects.get(slug="glossary").html
    for term in GLOSSARY_TERMS:
        assert f'id="{term}"' in glossary, term
    crisis = Page.objects.get(slug="crisis").html
    for service in ("988", "116 123", "999", "112"):
        assert service in crisis


def test_the_crisis_page_lists_every_service_under_its_country(synced_course):
    crisis = Page.objects.get(slug="crisis").html
    sections = dict(re.findall(r'<h2 id="([a-z-]+)">.*?</h2>(.*?)(?=<h2|$)', crisis, re.S))
    for country in ("united-states", "canada", "united-kingdom", "ireland", "australia"):
        assert f'href="#{country}"' in crisis, country  # listed under "On this page"
    for country, number in CRISIS_SERVICES:
        assert number in text_of(sections[country]), (country, number)
    for nation in ("England", "Scotland", "Wales", "Northern Ireland"):
        assert nation in sections["united-kingdom"]
    assert "findahelpline.com" in sections["everywhere-else"]
    assert 'href="tel:988"' in crisis and 'href="sms:741741"' in crisis


def test_plain_language_average_sentence_under_sixteen_words(course):
    for lesson in course:
        text = re.sub(r"<[^>]+>", " ", lesson.html)
        sentences = [s for s in re.split(r"[.!?]+\s", text) if re.search(r"\w", s)]
        words = len(re.findall(r"[\w'’-]+", text))
        assert words / len(sentences) < 16, lesson.slug
