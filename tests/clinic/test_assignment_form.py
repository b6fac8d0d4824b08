"""Issues 14.3 and 14.5: the assignment form speaks plainly, once, next to the field; its lesson
picker is grouped by module."""

import re
from html import unescape

import pytest
from django.urls import reverse

from lessons.models import Lesson, Module
from prodep.clinic.models import Assignment
from tests.factories import sign_in


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"note": "x"}, "module", "Choose a module, or a single lesson below."),
        ({"module": "both"}, "lesson", "Choose a module or a single lesson, not both."),
    ],
)
def test_choosing_nothing_or_both_is_said_once_in_plain_words_next_to_the_field(
    client, therapist, care_link, data, field, message
):
    if data.get("module") == "both":
        data = {"module": Module.objects.get(slug="first").pk, "lesson": Lesson.objects.first().pk}
    sign_in(client, therapist.user)
    response = client.post(reverse("clinic:assign", args=[care_link.pk]), data)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert html.count(message) == 1
    block = re.search(rf'<label for="id_{field}".*?</select>', html, re.S).group(0)
    assert message in block  # beside the field it is about
    for leak in ("Constraint", "constraint", "violated", "assignment_is_a_module_or_a_lesson"):
        assert leak not in html
    assert not Assignment.objects.exists()


def test_the_lesson_picker_is_grouped_by_module(client, therapist, care_link):
    sign_in(client, therapist.user)
    html = client.get(reverse("clinic:assign", args=[care_link.pk])).content.decode()
    lesson_select = re.search(r'<select name="lesson".*?</select>', html, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', lesson_select, re.S)
    assert [label for label, _ in groups] == ["A module"]
    titles = re.findall(r">(Lesson \d)</option>", groups[0][1])
    assert titles == ["Lesson 1", "Lesson 2", "Lesson 3"]
    assert 'class="stacked-form"' in html


def test_a_lesson_from_the_grouped_picker_is_saved(client, therapist, care_link):
    sign_in(client, therapist.user)
    lesson = Lesson.objects.get(slug="lesson-2")
    response = client.post(reverse("clinic:assign", args=[care_link.pk]), {"lesson": lesson.pk})
    assert response.status_code == 302
    assert Assignment.objects.get().lesson == lesson


def test_the_roster_filter_is_one_compact_form(client, therapist, care_link):
    sign_in(client, therapist.user)
    html = client.get(reverse("clinic:roster")).content.decode()
    form = re.search(r'<form method="get" class="filter-row".*?</form>', html, re.S).group(0)
    assert 'role="search"' in form
    assert re.findall(r'name="(\w+)"', form) == ["q", "show", "sort"]
