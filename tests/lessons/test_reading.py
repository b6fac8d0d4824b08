"""Catalogue, module and lesson pages; progress; the once-only safety note; where "Mark as
read" leads (onward, never back to the top of a long lesson); ticks on read lessons; a first
visit greeted as one."""

import re
import time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from lessons.catalogue import set_completed
from lessons.models import Lesson, Page, Progress
from prodep.accounts.models import Profile
from tests.factories import (
    answer,
    lesson_file,
    make_author,
    make_course,
    make_user,
    module_file,
    sign_in,
    sync,
    write,
)


@pytest.fixture
def course(content_dir, db):
    make_course(content_dir, lessons=3)
    sync(content_dir)
    return content_dir


@pytest.fixture
def reader(client, course):
    user = make_user()
    Profile.objects.filter(user=user).update(safety_intro_seen_at=timezone.now())
    client.force_login(user)
    return user


# Whole-request budgets, including the session, user and session-tracking queries.
# Session, user with profiles, lesson, progress, answers, and where there are answers the
# reader's therapist links (to offer sharing); no write.
LESSON_QUERIES = 6
DASHBOARD_QUERIES = 4  # session, user with profiles, all progress, assignments


def lesson_url(n=1):
    return reverse("lessons:lesson", args=["first", f"lesson-{n}"])


def test_first_lesson_shows_the_exit_explanation_once(client, course):
    user = make_user(seen_safety_intro=False)
    client.force_login(user)
    response = client.get(lesson_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("safety_intro"))
    page = client.get(response.url)
    assert b"What it cannot do" in page.content
    response = client.post(reverse("safety_intro"), {"next": lesson_url()})
    assert response.url == lesson_url()
    assert client.get(lesson_url()).status_code == 200


def test_safety_intro_refuses_to_redirect_off_site(client, reader):
    response = client.post(reverse("safety_intro"), {"next": "https://evil.example/"})
    assert response.url == reverse("dashboard")


def test_catalogue_lists_modules_with_counts_and_progress(client, reader):
    html = client.get(reverse("lessons:catalogue")).content.decode()
    assert "A module" in html and "3 lessons" in html and "0 of 3 read" in html


def test_lesson_page_shows_place_neighbours_and_answer_form(client, reader):
    html = client.get(lesson_url(2)).content.decode()
    assert "Lesson 2 of 3 in A module" in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert 'action="/journal/answer/p2/"' in html
    assert "What do you notice, 2?" in html


def test_lessons_can_be_read_in_any_order(client, reader):
    assert client.get(lesson_url(3)).status_code == 200


def test_opening_a_lesson_marks_it_started_with_the_version_read(client, reader):
    client.get(lesson_url())
    progress = Progress.objects.get(user=reader)
    assert progress.completed_at is None
    assert progress.read_hash == Lesson.objects.get(slug="lesson-1").content_hash


def test_mark_as_read_completes_and_can_be_undone(client, reader):
    url = reverse("lessons:complete", args=["first", "lesson-1"])
    client.post(url, {"completed": "1"})
    client.post(url, {"completed": "1"})  # a double click
    assert Progress.objects.filter(user=reader).count() == 1
    progress = Progress.objects.get(user=reader)
    assert progress.is_complete
    assert progress.completed_hash == Lesson.objects.get(slug="lesson-1").content_hash
    assert "1 of 3 read" in client.get(reverse("dashboard")).content.decode()
    client.post(url, {"completed": "0"})
    assert not Progress.objects.get(user=reader).is_complete


def test_mark_as_read_is_post_only(client, reader):
    assert client.get(reverse("lessons:complete", args=["first", "lesson-1"])).status_code == 405


def test_dashboard_offers_to_continue_the_last_unfinished_lesson(client, reader):
    client.get(lesson_url(1))
    client.get(lesson_url(3))
    html = client.get(reverse("dashboard")).content.decode()
    assert "Continue where you left off" in html
    assert lesson_url(3) in html


def test_unknown_module_or_lesson_is_404(client, reader):
    assert client.get(reverse("lessons:module", args=["nope"])).status_code == 404
    assert client.get(reverse("lessons:lesson", args=["first", "nope"])).status_code == 404


def test_a_lesson_under_the_wrong_module_redirects_to_its_home(client, reader):
    response = client.get(reverse("lessons:lesson", args=["elsewhere", "lesson-1"]))
    assert response.status_code == 301 and response.url == lesson_url(1)


def test_unpublished_lesson_is_404(client, reader, course):
    (course / "01-first/03-lesson-3.md").unlink()
    sync(course)
    assert client.get(lesson_url(3)).status_code == 404


def test_lesson_page_never_parses_markdown(client, reader, monkeypatch):
    import markdown

    def forbidden(*args, **kwargs):
        raise AssertionError("a request parsed Markdown")

    monkeypatch.setattr(markdown.Markdown, "convert", forbidden)
    assert client.get(lesson_url()).status_code == 200


def test_reading_pages_need_a_sign_in(client, course):
    for url in (reverse("dashboard"), reverse("lessons:catalogue"), lesson_url()):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


# Lesson 2 has no answer when only lesson 1's prompt is answered: no therapist links are read.
@pytest.mark.parametrize("answered, queries", [(1, LESSON_QUERIES - 1), (50, LESSON_QUERIES)])
def test_lesson_page_query_budget(
    client, content_dir, db, answered, queries, django_assert_num_queries
):
    make_course(content_dir, lessons=max(answered, 3))
    sync(content_dir)
    user = make_user()
    Profile.objects.filter(user=user).update(safety_intro_seen_at=timezone.now())
    for n in range(1, answered + 1):
        answer(user, f"p{n}", f"answer {n}")
    client.force_login(user)
    client.get(lesson_url(2))
    with django_assert_num_queries(queries):
        assert client.get(lesson_url(2)).status_code == 200


@pytest.mark.parametrize("lessons", [1, 50])
def test_dashboard_query_budget(client, content_dir, db, lessons, django_assert_num_queries):
    make_course(content_dir, lessons=lessons)
    sync(content_dir)
    user = make_user()
    for lesson in Lesson.objects.all():
        now = timezone.now()
        Progress.objects.create(
            user=user, lesson=lesson, started_at=now, last_opened_at=now, completed_at=now
        )
    client.force_login(user)
    client.get(reverse("dashboard"))
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(reverse("dashboard")).status_code == 200


def test_re_reading_a_lesson_at_once_writes_nothing_later_moves_last_opened(client, reader):
    client.get(lesson_url())
    first = Progress.objects.get(user=reader).last_opened_at
    client.get(lesson_url())
    assert Progress.objects.get(user=reader).last_opened_at == first
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=11)):
        client.get(lesson_url())
    assert Progress.objects.get(user=reader).last_opened_at > first


def test_a_new_version_of_a_lesson_is_recorded_at_once(client, reader, course):
    client.get(lesson_url())
    path = course / "01-first/01-lesson-1.md"
    path.write_text(path.read_text() + "\nA sentence added later.\n")
    sync(course)
    client.get(lesson_url())
    new_hash = Lesson.objects.get(slug="lesson-1").content_hash
    assert Progress.objects.get(user=reader).read_hash == new_hash


def test_navigation_follows_a_sync_at_once(client, reader, course):
    """The cached outline: a new lesson is listed and linked on the very next request."""
    assert "3 lessons" in client.get(reverse("lessons:catalogue")).content.decode()
    write(course, "01-first/04-lesson-4.md", lesson_file("Lesson 4", "Text of lesson 4."))
    sync(course)
    assert "4 lessons" in client.get(reverse("lessons:catalogue")).content.decode()
    assert lesson_url(4) in client.get(lesson_url(3)).content.decode()  # "next" on lesson 3


def test_a_lesson_saved_outside_a_sync_shows_at_once(client, reader):
    assert "Lesson 3" in client.get(lesson_url(2)).content.decode()
    lesson = Lesson.objects.get(slug="lesson-3")
    lesson.title = "Renamed by an administrator"
    lesson.save()
    assert "Renamed by an administrator" in client.get(lesson_url(2)).content.decode()


def test_another_process_moving_the_version_or_an_old_copy_rebuilds_the_outline(
    client, reader, monkeypatch
):
    from django.core.cache import cache

    from lessons import outline

    monkeypatch.setattr(outline, "CHECK_EVERY", 0)  # ask the shared cache on every use
    client.get(reverse("lessons:catalogue"))
    built = outline.current()
    assert outline.current() is built  # kept while the version holds
    Lesson.objects.filter(slug="lesson-3").update(title="Changed elsewhere")  # no signal
    cache.set(outline.VERSION_KEY, "moved-by-another-process")
    assert "Changed elsewhere" in client.get(lesson_url(2)).content.decode()

    Lesson.objects.filter(slug="lesson-3").update(title="Changed again")
    later = time.monotonic() + outline.MAX_AGE + 1
    monkeypatch.setattr(outline.time, "monotonic", lambda: later)
    assert "Changed again" in client.get(lesson_url(2)).content.decode()


def test_a_committed_sync_tells_other_processes_through_the_shared_cache(
    client, reader, course, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from lessons import outline

    client.get(reverse("lessons:catalogue"))
    before = cache.get(outline.VERSION_KEY)
    write(course, "01-first/04-lesson-4.md", lesson_file("Lesson 4", "Text of lesson 4."))
    with django_capture_on_commit_callbacks(execute=True):
        sync(course)
    assert cache.get(outline.VERSION_KEY) not in (None, before)


# After "Mark as read" ---------------------------------------------------------------------


def complete(client, n: int, completed: str = "1"):
    url = reverse("lessons:complete", args=["first", f"lesson-{n}"])
    return client.post(url, {"completed": completed}, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_mark_as_read_goes_on_to_the_next_lesson(client, reader):
    response = complete(client, 1)
    assert response.redirect_chain == [(reverse("lessons:lesson", args=["first", "lesson-2"]), 302)]
    assert messages_of(response) == ["“Lesson 1” is marked as read. On to the next."]


def test_the_last_lesson_of_a_module_goes_to_the_module_page_with_what_is_left(client, reader):
    response = complete(client, 3)
    assert response.redirect_chain == [(reverse("lessons:module", args=["first"]), 302)]
    assert messages_of(response) == [
        "Done: that was the last lesson in “A module”. 2 lessons here without a tick still to read."
    ]


def test_a_module_read_to_the_end_says_done(client, reader):
    for lesson in Lesson.objects.filter(slug__in=["lesson-1", "lesson-2"]):
        set_completed(reader, lesson, True)
    response = complete(client, 3)
    assert messages_of(response) == ["Done: you have read every lesson in “A module”."]


def test_mark_as_not_read_stays_on_the_lesson(client, reader):
    complete(client, 2)
    response = complete(client, 2, completed="0")
    assert response.redirect_chain == [(reverse("lessons:lesson", args=["first", "lesson-2"]), 302)]
    assert messages_of(response) == ["Marked as not read."]


def test_an_author_moves_on_through_drafts_too(client, content_dir, course):
    write(content_dir, "01-first/04-draft.md", lesson_file("Draft", extra="status: draft\n"))
    sync(content_dir)
    sign_in(client, make_author())
    response = complete(client, 3)
    assert response.redirect_chain[0][0] == reverse("lessons:lesson", args=["first", "draft"])


def test_read_lessons_carry_a_tick_with_a_word_for_screen_readers(client, reader):
    set_completed(reader, Lesson.objects.get(slug="lesson-2"), True)
    html = client.get(reverse("lessons:module", args=["first"])).content.decode()
    tick = '<span class="badge badge--read"><span aria-hidden="true">✓ </span>Read</span>'
    headings = re.findall(r"<h2>.*?</h2>", html, re.S)
    assert [tick in h for h in headings] == [False, True, False]
    assert (
        tick in client.get(reverse("lessons:lesson", args=["first", "lesson-2"])).content.decode()
    )


def test_a_module_read_to_the_end_is_ticked_done_on_the_dashboard(client, reader):
    for lesson in Lesson.objects.all():
        set_completed(reader, lesson, True)
    html = client.get(reverse("dashboard")).content.decode()
    assert '<span aria-hidden="true">✓ </span>Done</span>' in html


def first_panel(html: str) -> str:
    return re.search(r'<section class="panel">(.*?)</section>', html, re.S).group(1)


def test_a_first_visit_is_greeted_as_one_and_says_start_here_once(client, content_dir, db):
    make_course(content_dir, lessons=2)
    write(content_dir, "01-first/_module.md", module_file("Start here"))
    sync(content_dir)
    client.force_login(make_user())
    html = client.get(reverse("dashboard")).content.decode()
    assert "<h1>Welcome</h1>" in html and "Welcome back" not in html
    panel = first_panel(html)
    assert "Your first lesson" in panel
    assert panel.count("Start here") == 1


def test_a_returning_reader_is_welcomed_back(client, reader):
    client.get(reverse("lessons:lesson", args=["first", "lesson-1"]))
    html = client.get(reverse("dashboard")).content.decode()
    assert "<h1>Welcome back</h1>" in html


def test_a_help_page_is_shown_at_its_address_and_an_unknown_one_is_404(client, course):
    write(course, "glossary.md", lesson_file("Glossary", "Words we use."))
    sync(course)
    page = Page.objects.get(slug="glossary")
    response = client.get(page.get_absolute_url())
    assert response.status_code == 200
    assert "Words we use." in response.content.decode()
    assert client.get(reverse("lessons:page", args=["nope"])).status_code == 404


def test_a_module_whose_lessons_are_all_drafts_is_404_for_readers(client, reader, course):
    write(course, "02-second/_module.md", module_file("Second"))
    write(course, "02-second/01-soon.md", lesson_file("Soon", extra="status: draft\n"))
    sync(course)
    assert client.get(reverse("lessons:module", args=["second"])).status_code == 404
