"""The shipped curriculum has the shape the course promises."""

import re

import pytest

from lessons.models import Lesson, Module, Page, Prompt, Status

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
]


@pytest.fixture
def course(synced_course):
    return Lesson.objects.filter(is_live=True, status=Status.PUBLISHED).select_related("module")


def test_at_least_seven_modules_and_twenty_four_lessons(course):
    assert Module.objects.filter(is_live=True).count() >= 7
    assert course.count() >= 24


def test_every_lesson_has_a_summary_a_prompt_references_and_key_ideas(course):
    for lesson in course:
        assert lesson.summary.strip(), lesson.slug
        assert lesson.prompts.filter(is_live=True).exists(), lesson.slug
        assert lesson.references, lesson.slug
        assert 'id="key-ideas"' in lesson.html, lesson.slug


def test_every_lesson_is_a_readable_length(course):
    for lesson in course:
        assert 450 <= lesson.word_count <= 1400, (lesson.slug, lesson.word_count)


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


def test_plain_language_average_sentence_under_twenty_words(course):
    for lesson in course:
        text = re.sub(r"<[^>]+>", " ", lesson.html)
        sentences = [s for s in re.split(r"[.!?]+\s", text) if re.search(r"\w", s)]
        words = len(re.findall(r"[\w'’-]+", text))
        assert words / len(sentences) < 20, lesson.slug
