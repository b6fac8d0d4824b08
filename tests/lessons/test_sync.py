"""sync_content: one transaction, skips unchanged files, unpublishes instead of deleting."""

import pytest
from django.core.management import CommandError, call_command

from lessons.models import Lesson, Module, Progress, Prompt
from lessons.sync import ContentError, sync_content
from tests.factories import answer, lesson_file, make_course, make_user, module_file, write


def test_first_sync_creates_everything(content_dir, db):
    make_course(content_dir, lessons=3)
    report = sync_content(content_dir)
    assert report.counts["created"] == 4  # one module and three lessons
    assert Module.objects.get().title == "A module"
    assert list(Lesson.objects.values_list("slug", flat=True)) == [
        "lesson-1",
        "lesson-2",
        "lesson-3",
    ]
    assert set(Prompt.objects.values_list("key", flat=True)) == {"p1", "p2", "p3"}
    lesson = Lesson.objects.get(slug="lesson-1")
    assert "Text of lesson 1." in lesson.html
    assert lesson.content_hash and lesson.source_path == "01-first/01-lesson-1.md"


def test_syncing_twice_changes_nothing(content_dir, db, django_assert_max_num_queries):
    make_course(content_dir, lessons=3)
    sync_content(content_dir)
    before = list(Lesson.objects.values_list("id", "updated_at", "content_hash"))
    with django_assert_max_num_queries(15):  # a fixed number, whatever the course size
        report = sync_content(content_dir)
    assert report.counts["unchanged"] == 4
    assert report.counts["created"] == report.counts["updated"] == 0
    assert list(Lesson.objects.values_list("id", "updated_at", "content_hash")) == before


def test_an_edited_file_is_updated(content_dir, db):
    make_course(content_dir)
    sync_content(content_dir)
    write(
        content_dir,
        "01-first/02-lesson-2.md",
        lesson_file("Lesson 2", "New words.\n\n::: reflection id=p2\nQ?\n:::\n"),
    )
    report = sync_content(content_dir)
    assert report.counts["updated"] == 1 and report.counts["unchanged"] == 2
    assert "New words." in Lesson.objects.get(slug="lesson-2").html


def test_a_removed_lesson_is_unpublished_not_deleted(content_dir, db):
    make_course(content_dir)
    sync_content(content_dir)
    (content_dir / "01-first/02-lesson-2.md").unlink()
    report = sync_content(content_dir)
    assert report.counts["unpublished"] == 1
    lesson = Lesson.objects.get(slug="lesson-2")
    assert lesson.is_live is False
    assert Prompt.objects.get(key="p2").is_live is False


def test_a_removed_prompt_is_unpublished(content_dir, db):
    make_course(content_dir)
    sync_content(content_dir)
    write(content_dir, "01-first/01-lesson-1.md", lesson_file("Lesson 1", "No prompt now."))
    sync_content(content_dir)
    assert Prompt.objects.get(key="p1").is_live is False


def test_any_error_aborts_the_whole_sync(content_dir, db):
    make_course(content_dir)
    sync_content(content_dir)
    write(content_dir, "01-first/01-lesson-1.md", lesson_file("Changed title", "Fine."))
    write(content_dir, "01-first/03-broken.md", "no front matter")
    with pytest.raises(ContentError) as error:
        sync_content(content_dir)
    assert "01-first/03-broken.md:1: missing front matter" in str(error.value)
    assert Lesson.objects.get(slug="lesson-1").title == "Lesson 1"
    assert not Lesson.objects.filter(slug="broken").exists()


def test_check_only_writes_nothing(content_dir, db):
    make_course(content_dir)
    call_command("sync_content", "--check", "--path", str(content_dir))
    assert Lesson.objects.count() == 0


def test_command_reports_counts_and_fails_clearly(content_dir, db, capsys):
    make_course(content_dir)
    call_command("sync_content", "--path", str(content_dir))
    assert "3 created, 0 updated, 0 unchanged, 0 unpublished" in capsys.readouterr().out
    write(content_dir, "01-first/03-x.md", lesson_file(body="::: nope\nx\n:::\n"))
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("sync_content", "--path", str(content_dir))
    assert "01-first/03-x.md:5: unknown block 'nope'" in capsys.readouterr().err


def test_answers_and_progress_survive_rewording_and_moving_a_lesson(content_dir, db):
    make_course(content_dir)
    sync_content(content_dir)
    reader = make_user()
    lesson = Lesson.objects.get(slug="lesson-1")
    Progress.objects.create(
        user=reader, lesson=lesson, started_at=lesson.updated_at, last_opened_at=lesson.updated_at
    )
    prompt_id = Prompt.objects.get(key="p1").id
    reflection = answer(reader, "p1", "Kept through every edit")

    (content_dir / "01-first/01-lesson-1.md").unlink()
    write(content_dir, "02-second/_module.md", module_file("Second"))
    write(
        content_dir,
        "02-second/05-lesson-1.md",
        lesson_file("Lesson 1", "::: reflection id=p1\nA reworded question?\n:::\n"),
    )
    sync_content(content_dir)

    moved = Lesson.objects.get(slug="lesson-1")
    assert moved.id == lesson.id and moved.is_live
    assert moved.module.slug == "second" and moved.position == 5
    prompt = Prompt.objects.get(key="p1")
    assert prompt.id == prompt_id and prompt.is_live
    assert prompt.text == "A reworded question?"
    assert Progress.objects.get(user=reader).lesson_id == lesson.id
    reflection.refresh_from_db()
    assert reflection.prompt_id == prompt_id and reflection.text == "Kept through every edit"


def test_removing_an_answered_prompt_warns_the_author(content_dir, db):
    make_course(content_dir)
    sync_content(content_dir)
    answer(make_user(), "p1")
    write(content_dir, "01-first/01-lesson-1.md", lesson_file("Lesson 1", "Prompt gone."))
    report = sync_content(content_dir)
    [warning] = report.warnings
    assert warning.level == "warning"
    assert str(warning) == (
        "01-first/01-lesson-1.md:1: prompt id 'p1' was removed but readers have answers to it"
    )


def test_the_command_shows_the_author_a_removed_answered_prompt(content_dir, db, capsys):
    make_course(content_dir)
    sync_content(content_dir)
    answer(make_user(), "p1")
    write(content_dir, "01-first/01-lesson-1.md", lesson_file("Lesson 1", "Prompt gone."))
    call_command("sync_content", "--path", str(content_dir))
    assert (
        "warning: 01-first/01-lesson-1.md:1: prompt id 'p1' was removed but readers have answers"
        in capsys.readouterr().err
    )


def test_check_with_the_database_warns_of_a_removed_answered_prompt(content_dir, db, capsys):
    make_course(content_dir)
    sync_content(content_dir)
    answer(make_user(), "p1")
    write(content_dir, "01-first/01-lesson-1.md", lesson_file("Lesson 1", "Prompt gone."))
    sync_content(content_dir)
    call_command("check")
    assert "p1" not in capsys.readouterr().err  # needs the database: only with --database
    call_command("check", "--database", "default")
    assert "prompt id 'p1' was removed but readers have answers" in capsys.readouterr().err


def test_check_with_the_database_before_migrate_reports_nothing(content_dir, db, monkeypatch):
    from django.db import connection

    from lessons.checks import check_removed_prompts

    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: [])
    assert check_removed_prompts(databases=["default"]) == []
    assert check_removed_prompts() == []
