"""A long journal comes in pages, and every action on an answer comes back to its page."""

import re

import pytest
from django.urls import reverse

from prodep.journal.models import Reflection
from prodep.journal.services import JOURNAL_PAGE_SIZE
from tests.factories import answer, make_course, make_user, sync

ANSWERS = 2 * JOURNAL_PAGE_SIZE + 5  # three pages: 20, 20, 5


@pytest.fixture
def long_journal(client, content_dir, db):
    make_course(content_dir, lessons=ANSWERS)
    sync(content_dir)
    user = make_user()
    for n in range(1, ANSWERS + 1):
        answer(user, f"p{n}", f"answer number {n}.")
    client.force_login(user)
    return user


def entries(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"answer number (\d+)\.", html)]


def test_answers_come_twenty_to_a_page_in_course_order(client, long_journal):
    first = client.get(reverse("journal:index")).content.decode()
    assert entries(first) == list(range(1, 21))
    assert "Page 1 of 3" in first and "Answers 1 to 20 of 45" in first
    assert 'href="?page=2" rel="next"' in first and 'rel="prev"' not in first
    last = client.get(reverse("journal:index"), {"page": 3}).content.decode()
    assert entries(last) == list(range(41, 46))
    assert 'href="?page=2" rel="prev"' in last and 'rel="next"' not in last


@pytest.mark.parametrize("page, shown", [("abc", 1), ("0", 3), ("-1", 3), ("999", 3), ("", 1)])
def test_a_page_number_out_of_range_or_not_a_number_shows_a_real_page(
    client, long_journal, page, shown
):
    response = client.get(reverse("journal:index"), {"page": page})
    assert response.status_code == 200
    assert f"Page {shown} of 3" in response.content.decode()


def test_a_short_journal_has_no_page_navigation(client, content_dir, db):
    make_course(content_dir, lessons=2)
    sync(content_dir)
    user = make_user()
    answer(user, "p1", "just one.")
    client.force_login(user)
    html = client.get(reverse("journal:index")).content.decode()
    assert "just one." in html and "Page 1 of" not in html


def test_editing_an_answer_returns_to_its_page(client, long_journal):
    reflection = Reflection.objects.get(user=long_journal, prompt__key="p42")
    url = reverse("journal:edit", args=[reflection.pk])
    assert f'href="/journal/?page=3#answer-{reflection.pk}"' in client.get(url).content.decode()
    response = client.post(url, {"text": "answer number 42. Edited.", "version": 1})
    assert response.url == f"/journal/?page=3#answer-{reflection.pk}"
    assert "Edited." in client.get(response.url).content.decode()


def test_deleting_an_answer_returns_to_the_page_it_was_on(client, long_journal):
    reflection = Reflection.objects.get(user=long_journal, prompt__key="p25")
    response = client.post(reverse("journal:delete", args=[reflection.pk]))
    assert response.url == "/journal/?page=2"
    assert entries(client.get(response.url).content.decode()) == list(range(21, 25)) + list(
        range(26, 42)
    )


def test_each_page_costs_the_same_queries(client, long_journal, django_assert_num_queries):
    client.get(reverse("journal:index"))  # the first signed-in request records the session
    for page in (1, 2, 3):
        with django_assert_num_queries(5):
            assert client.get(reverse("journal:index"), {"page": page}).status_code == 200
