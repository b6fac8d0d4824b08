"""Renamed and moved lessons: former slugs are checked, stored at sync, and old addresses
answer with a permanent redirect, while readers' answers and progress stay with the lesson."""

import pytest
from django.urls import reverse

from lessons.content import check_tree
from lessons.models import Lesson, LessonRedirect, Module, Progress, Prompt
from lessons.sync import sync_content
from tests.factories import answer, lesson_file, make_course, make_user, module_file, write

RENAMED = lesson_file(
    "First steps",
    "::: reflection id=p1\nWhat do you notice now?\n:::\n",
    extra="former_slugs: [lesson-1]\n",
)


def problems(root):
    return [str(p) for p in check_tree(root)[2]]


def url(module, lesson):
    return reverse("lessons:lesson", args=[module, lesson])


@pytest.fixture
def reader_with_history(content_dir, db, client):
    """A reader who opened and finished lesson 1 and answered its prompt."""
    make_course(content_dir, lessons=3)
    sync_content(content_dir)
    reader = make_user()
    client.force_login(reader)
    client.post(reverse("lessons:complete", args=["first", "lesson-1"]), {"completed": "1"})
    answer(reader, "p1", "Kept through the move")
    return reader


def assert_history_kept(reader, slug):
    lesson = Lesson.objects.get(slug=slug)
    progress = Progress.objects.get(user=reader)
    assert progress.lesson_id == lesson.id and progress.is_complete
    prompt = Prompt.objects.get(key="p1")
    assert prompt.lesson_id == lesson.id and prompt.is_live
    assert prompt.reflections.get(user=reader).text == "Kept through the move"
    return lesson


# The checks


def test_former_slugs_are_a_clean_course(content_dir):
    make_course(content_dir)
    write(content_dir, "01-first/01-lesson-1.md", lesson_file(extra="former_slugs: [old-one]\n"))
    assert problems(content_dir) == []


@pytest.mark.parametrize(
    "extra, expected",
    [
        ("former_slugs: old-one\n", "4: 'former_slugs' must be a list of slugs"),
        (
            "former_slugs:\n  - fine-one\n  - Not A Slug\n",
            "6: former slug 'Not A Slug' is not a valid slug",
        ),
        ("former_slugs: [lesson-1]\n", "4: former slug 'lesson-1' is the slug of a live lesson"),
        ("former_slugs: [lesson-2]\n", "4: former slug 'lesson-2' is the slug of a live lesson"),
    ],
)
def test_a_bad_former_slug_is_reported_at_its_line(content_dir, extra, expected):
    make_course(content_dir)
    write(content_dir, "01-first/01-lesson-1.md", lesson_file(extra=extra))
    [problem] = check_tree(content_dir)[2]
    assert str(problem) == f"01-first/01-lesson-1.md:{expected}"
    assert problem.hint


def test_the_live_lesson_holding_a_former_slug_is_named(content_dir):
    make_course(content_dir)
    write(content_dir, "01-first/01-lesson-1.md", lesson_file(extra="former_slugs: [lesson-2]\n"))
    [problem] = check_tree(content_dir)[2]
    assert "01-first/02-lesson-2.md" in problem.hint


def test_a_former_slug_is_unique_across_the_course(content_dir):
    make_course(content_dir)
    write(content_dir, "02-second/_module.md", module_file())
    write(content_dir, "01-first/01-lesson-1.md", lesson_file(extra="former_slugs: [old-one]\n"))
    write(content_dir, "02-second/01-other.md", lesson_file(extra="former_slugs: [old-one]\n"))
    [problem] = check_tree(content_dir)[2]
    assert str(problem) == "02-second/01-other.md:4: former slug 'old-one' is declared twice"
    assert "01-first/01-lesson-1.md:4" in problem.hint


def test_only_lessons_have_former_slugs(content_dir):
    make_course(content_dir)
    write(content_dir, "01-first/_module.md", lesson_file(extra="former_slugs: [old-module]\n"))
    assert problems(content_dir) == ["01-first/_module.md:4: only lessons can have former slugs"]


def test_a_bad_former_slug_stops_the_sync(content_dir, db):
    from lessons.sync import ContentError

    make_course(content_dir)
    write(content_dir, "01-first/01-lesson-1.md", lesson_file(extra="former_slugs: [lesson-2]\n"))
    with pytest.raises(ContentError, match="is the slug of a live lesson"):
        sync_content(content_dir)
    assert not Lesson.objects.exists()


# Sync and the old addresses


def test_a_renamed_lesson_keeps_answers_and_progress_and_its_old_address_redirects(
    content_dir, client, reader_with_history
):
    old_id = Lesson.objects.get(slug="lesson-1").id
    (content_dir / "01-first/01-lesson-1.md").unlink()
    write(content_dir, "01-first/01-first-steps.md", RENAMED)
    sync_content(content_dir)

    lesson = assert_history_kept(reader_with_history, "first-steps")
    assert lesson.id == old_id and lesson.is_live and lesson.title == "First steps"
    assert not Lesson.objects.filter(slug="lesson-1").exists()
    assert list(LessonRedirect.objects.values_list("old_slug", "lesson")) == [("lesson-1", old_id)]
    for old_url in (url("first", "lesson-1"), url("any-module", "lesson-1")):
        response = client.get(old_url)
        assert response.status_code == 301 and response.url == url("first", "first-steps")
    page = client.get(url("first", "first-steps")).content.decode()
    assert "Kept through the move" in page and "Mark as not read" in page


def test_a_moved_lesson_keeps_answers_and_progress_and_its_old_address_redirects(
    content_dir, client, reader_with_history
):
    old_id = Lesson.objects.get(slug="lesson-1").id
    text = (content_dir / "01-first/01-lesson-1.md").read_text()
    (content_dir / "01-first/01-lesson-1.md").unlink()
    write(content_dir, "02-second/_module.md", module_file("Second"))
    write(content_dir, "02-second/04-lesson-1.md", text)
    sync_content(content_dir)

    lesson = assert_history_kept(reader_with_history, "lesson-1")
    assert lesson.id == old_id and lesson.module.slug == "second" and lesson.position == 4
    response = client.get(url("first", "lesson-1"))
    assert response.status_code == 301 and response.url == url("second", "lesson-1")
    assert "Kept through the move" in client.get(response.url).content.decode()


def test_a_lesson_moved_and_renamed_at_once_keeps_everything(
    content_dir, client, reader_with_history
):
    (content_dir / "01-first/01-lesson-1.md").unlink()
    write(content_dir, "02-second/_module.md", module_file("Second"))
    write(content_dir, "02-second/01-first-steps.md", RENAMED)
    sync_content(content_dir)

    assert_history_kept(reader_with_history, "first-steps")
    response = client.get(url("first", "lesson-1"))
    assert response.status_code == 301 and response.url == url("second", "first-steps")


def test_reordering_the_modules_keeps_answers_progress_and_addresses(
    content_dir, client, reader_with_history
):
    """The second edition renumbered its module folders; a module's slug is its identity."""
    write(content_dir, "02-second/_module.md", module_file("Second"))
    write(content_dir, "02-second/01-other.md", lesson_file("Other"))
    sync_content(content_dir)
    (content_dir / "01-first").rename(content_dir / "03-first")
    (content_dir / "02-second").rename(content_dir / "01-second")
    sync_content(content_dir)

    assert_history_kept(reader_with_history, "lesson-1")
    assert list(Module.objects.order_by("position").values_list("slug", flat=True)) == [
        "second",
        "first",
    ]
    page = client.get(url("first", "lesson-1"))
    assert page.status_code == 200 and "Kept through the move" in page.content.decode()


def test_mark_as_read_at_an_old_address_redirects_and_changes_nothing(
    content_dir, client, reader_with_history
):
    (content_dir / "01-first/01-lesson-1.md").unlink()
    write(content_dir, "01-first/01-first-steps.md", RENAMED)
    sync_content(content_dir)

    old = reverse("lessons:complete", args=["first", "lesson-1"])
    response = client.post(old, {"completed": "0"})
    assert response.status_code == 301 and response.url == url("first", "first-steps")
    assert Progress.objects.get(user=reader_with_history).is_complete
    assert client.get(old).status_code == 405


def test_unknown_slugs_are_still_404(content_dir, client, reader_with_history):
    assert client.get(url("first", "never-was")).status_code == 404
    complete = reverse("lessons:complete", args=["first", "never-was"])
    assert client.post(complete, {"completed": "1"}).status_code == 404


def test_a_former_slug_dropped_from_the_front_matter_stops_redirecting(
    content_dir, client, reader_with_history
):
    (content_dir / "01-first/01-lesson-1.md").unlink()
    write(content_dir, "01-first/01-first-steps.md", RENAMED)
    sync_content(content_dir)
    write(
        content_dir, "01-first/01-first-steps.md", RENAMED.replace("former_slugs: [lesson-1]\n", "")
    )
    sync_content(content_dir)

    assert not LessonRedirect.objects.exists()
    assert client.get(url("first", "lesson-1")).status_code == 404


def test_an_old_address_of_an_unpublished_lesson_is_404(content_dir, client, reader_with_history):
    (content_dir / "01-first/01-lesson-1.md").unlink()
    write(content_dir, "01-first/01-first-steps.md", RENAMED)
    sync_content(content_dir)
    (content_dir / "01-first/01-first-steps.md").unlink()
    sync_content(content_dir)

    assert client.get(url("first", "lesson-1")).status_code == 404
    assert client.get(url("first", "first-steps")).status_code == 404


def test_a_former_slug_added_after_the_new_lesson_exists_still_redirects(
    content_dir, client, reader_with_history
):
    """The old row cannot take the new slug (it is taken); the old address still redirects."""
    (content_dir / "01-first/01-lesson-1.md").unlink()
    write(
        content_dir, "01-first/01-first-steps.md", RENAMED.replace("former_slugs: [lesson-1]\n", "")
    )
    sync_content(content_dir)
    write(content_dir, "01-first/01-first-steps.md", RENAMED)
    sync_content(content_dir)

    assert not Lesson.objects.get(slug="lesson-1").is_live
    response = client.get(url("first", "lesson-1"))
    assert response.status_code == 301 and response.url == url("first", "first-steps")


def test_a_redirect_costs_no_more_than_a_lesson_page(
    content_dir, client, reader_with_history, django_assert_max_num_queries
):
    (content_dir / "01-first/01-lesson-1.md").unlink()
    write(content_dir, "01-first/01-first-steps.md", RENAMED)
    sync_content(content_dir)
    with django_assert_max_num_queries(4):  # session, user, lesson, former slug
        assert client.get(url("first", "lesson-1")).status_code == 301
