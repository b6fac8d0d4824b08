"""What the reading pages need from the catalogue and a reader's progress, in few queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import outline
from .models import Lesson, Module, Progress
from .signals import lesson_completed

if TYPE_CHECKING:
    from prodep.accounts.models import User


@dataclass
class ModuleSummary:
    module: Module
    lesson_count: int
    minutes: int
    completed: int


def progress_by_lesson(user: User) -> dict[int, Progress]:
    """All the reader's progress rows, in one query: a course holds a few dozen lessons."""
    return {
        p.lesson_id: p
        for p in Progress.objects.filter(user=user).only(
            "id", "lesson_id", "last_opened_at", "completed_at"
        )
    }


def modules_for(user: User, progress: dict[int, Progress] | None = None) -> list[ModuleSummary]:
    """Every module with at least one lesson this user may read, with their progress."""
    if progress is None:
        progress = progress_by_lesson(user)
    summaries: dict[int, ModuleSummary] = {}
    for lesson in outline.current().visible_lessons(user):
        summary = summaries.get(lesson.module_id)
        if summary is None:
            summary = summaries[lesson.module_id] = ModuleSummary(lesson.module, 0, 0, 0)
        summary.lesson_count += 1
        summary.minutes += lesson.minutes
        row = progress.get(lesson.id)
        summary.completed += bool(row and row.completed_at)
    return list(summaries.values())


def course_totals(summaries: list[ModuleSummary]) -> dict[str, int]:
    total = sum(s.lesson_count for s in summaries)
    completed = sum(s.completed for s in summaries)
    return {
        "total": total,
        "completed": completed,
        "percent": round(100 * completed / total) if total else 0,
    }


@dataclass
class LessonRow:
    lesson: Lesson
    progress: Progress | None


@dataclass
class ModuleView:
    module: Module
    rows: list[LessonRow]

    @property
    def completed(self) -> int:
        return sum(1 for row in self.rows if row.progress and row.progress.is_complete)


def module_for(user: User, slug: str) -> ModuleView | None:
    module = Module.objects.live().filter(slug=slug).first()  # with its introduction
    if module is None:
        return None
    lessons = outline.current().lessons_in(module.id, user)
    if not lessons:
        return None
    progress = {
        p.lesson_id: p
        for p in Progress.objects.filter(user=user, lesson__in=[x.id for x in lessons])
    }
    return ModuleView(module, [LessonRow(lesson, progress.get(lesson.id)) for lesson in lessons])


# A reload, or a second request for the same page, within this many seconds writes nothing.
OPENED_RESOLUTION = timedelta(seconds=10)


def mark_opened(user: User, lesson: Lesson) -> Progress:
    """Record that the reader opened this version of the lesson.

    One read; a write only for a first opening, a new version of the lesson, or when the last
    opening is older than ``OPENED_RESOLUTION``. A read page costs no database write.
    """
    now = timezone.now()
    progress = Progress.objects.filter(user=user, lesson=lesson).first()
    if progress is None:
        try:
            with transaction.atomic():
                return Progress.objects.create(
                    user=user,
                    lesson=lesson,
                    started_at=now,
                    last_opened_at=now,
                    read_hash=lesson.content_hash,
                )
        except IntegrityError:  # pragma: no cover - race: another tab made the row; it is as good
            progress = Progress.objects.get(user=user, lesson=lesson)
    if (
        progress.read_hash != lesson.content_hash
        or now - progress.last_opened_at > OPENED_RESOLUTION
    ):
        progress.last_opened_at, progress.read_hash = now, lesson.content_hash
        progress.save(update_fields=["last_opened_at", "read_hash"])
    return progress


def set_completed(user: User, lesson: Lesson, completed: bool) -> Progress:
    """Mark a lesson read or unread. Idempotent, so a double click changes nothing more."""
    progress = mark_opened(user, lesson)
    if completed and progress.completed_at is None:
        newly_done = Progress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
            completed_at=timezone.now(), completed_hash=lesson.content_hash
        )
        if newly_done:
            lesson_completed.send(sender=Lesson, user=user, lesson=lesson)
    elif not completed:
        Progress.objects.filter(pk=progress.pk).update(completed_at=None, completed_hash="")
    progress.refresh_from_db()
    return progress


def continue_lesson(user: User, progress: dict[int, Progress]) -> Lesson | None:
    """The most recently opened lesson the reader has not finished."""
    unfinished = [
        (row.last_opened_at, lesson)
        for lesson in outline.current().visible_lessons(user)
        if (row := progress.get(lesson.id)) and row.completed_at is None
    ]
    return max(unfinished, key=lambda pair: pair[0])[1] if unfinished else None


def first_unread_lesson(user: User, progress: dict[int, Progress]) -> Lesson | None:
    for lesson in outline.current().visible_lessons(user):
        row = progress.get(lesson.id)
        if not (row and row.completed_at):
            return lesson
    return None


def completed_ids(progress: dict[int, Progress]) -> set[int]:
    return {lesson_id for lesson_id, row in progress.items() if row.completed_at}


def dashboard_context(user: User, progress: dict[int, Progress]) -> dict[str, object]:
    """Modules, totals and where to go next, from the reader's progress (``progress_by_lesson``:
    one query for all of it). The dashboard adds the assignments (``prodep.pages``)."""
    summaries = modules_for(user, progress)
    resume = continue_lesson(user, progress)
    return {
        "first_visit": not progress,  # no lesson opened yet: greeted as new, not "back"
        "modules": summaries,
        "totals": course_totals(summaries),
        "resume": resume,
        "next_lesson": None if resume else first_unread_lesson(user, progress),
    }


@dataclass
class Neighbours:
    """Where a lesson sits among the lessons of its module that this reader may read."""

    siblings: list[Lesson]
    position: int  # from 1
    previous: Lesson | None
    next: Lesson | None


def neighbours(user: User, lesson: Lesson) -> Neighbours:
    siblings = outline.current().lessons_in(lesson.module_id, user)
    index = next((i for i, s in enumerate(siblings) if s.id == lesson.id), 0)
    return Neighbours(
        siblings,
        index + 1,
        siblings[index - 1] if index > 0 else None,
        siblings[index + 1] if index + 1 < len(siblings) else None,
    )


def after_reading(user: User, lesson: Lesson) -> tuple[str, str]:
    """Where "Mark as read" takes the reader, and what it tells them there.

    Onward, never back to the top of a long lesson: to the next lesson in the module, or at the
    module's end to the module page, which shows what is still unread.
    """
    following = neighbours(user, lesson).next
    if following is not None:
        return following.get_absolute_url(), f"“{lesson.title}” is marked as read. On to the next."
    module = lesson.module
    lessons = outline.current().lessons_in(module.id, user)
    unread = (
        len(lessons)
        - Progress.objects.filter(
            user=user, lesson__in=[x.id for x in lessons], completed_at__isnull=False
        ).count()
    )
    if unread:
        note = f"Done: that was the last lesson in “{module.title}”. "
        note += f"{unread} lesson{'s' if unread != 1 else ''} here without a tick still to read."
    else:
        note = f"Done: you have read every lesson in “{module.title}”."
    return module.get_absolute_url(), note


def lesson_context(user: User, lesson: Lesson) -> dict[str, object]:
    """The lesson, where it sits, and the reader's progress (opening it counts). The lesson page
    adds the reader's answers and sharing (``prodep.pages``)."""
    place = neighbours(user, lesson)
    return {
        "lesson": lesson,
        "module": lesson.module,
        "progress": mark_opened(user, lesson),
        "siblings": place.siblings,
        "position": place.position,
        "previous": place.previous,
        "next": place.next,
    }
