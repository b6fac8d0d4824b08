"""What the reading pages need from the catalogue and a reader's progress, in few queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from prodep.clinic.services import client_assignments, notify_assignment_completed
from prodep.journal.services import answers_for_lesson

from .models import Lesson, Module, Progress, Status


@dataclass
class ModuleSummary:
    module: Module
    lesson_count: int
    minutes: int
    completed: int

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.lesson_count) if self.lesson_count else 0


# What a link to a lesson needs; the body (HTML and its JSON) is the bulk of a row.
LESSON_BODY = ("html", "toc", "references", "links")


def _visible_lesson_filter(user, prefix: str = "") -> Q:
    q = Q(**{f"{prefix}is_live": True})
    if not getattr(user, "is_author", False):
        q &= Q(**{f"{prefix}status": Status.PUBLISHED})
    return q


def modules_for(user) -> list[ModuleSummary]:
    """Every module with at least one lesson this user may read, with their progress. 2 queries."""
    visible = _visible_lesson_filter(user, "lessons__")
    modules = (
        Module.objects.live()
        .defer("intro_html")
        .annotate(
            lesson_count=Count("lessons", filter=visible),
            total_minutes=Sum("lessons__minutes", filter=visible),
        )
        .filter(lesson_count__gt=0)
        .order_by("position")
    )
    done = dict(
        Progress.objects.filter(user=user, completed_at__isnull=False)
        .filter(_visible_lesson_filter(user, "lesson__"), lesson__module__is_live=True)
        .values_list("lesson__module")
        .annotate(n=Count("id"))
    )
    return [
        ModuleSummary(m, m.lesson_count, m.total_minutes or 0, done.get(m.id, 0)) for m in modules
    ]


def course_totals(summaries: list[ModuleSummary]) -> dict:
    total = sum(s.lesson_count for s in summaries)
    completed = sum(s.completed for s in summaries)
    return {
        "total": total,
        "completed": completed,
        "percent": round(100 * completed / total) if total else 0,
    }


@dataclass
class ModuleView:
    module: Module
    lessons: list[Lesson]
    progress: dict[int, Progress]

    @property
    def completed(self) -> int:
        return sum(1 for p in self.progress.values() if p.is_complete)

    @property
    def percent(self) -> int:
        return round(100 * self.completed / len(self.lessons)) if self.lessons else 0


def module_for(user, slug: str) -> ModuleView | None:
    module = Module.objects.live().filter(slug=slug).first()
    if module is None:
        return None
    lessons = list(
        Lesson.objects.visible_to(user)
        .filter(module=module)
        .order_by("position")
        .only("id", "slug", "title", "summary", "minutes", "position", "status", "module_id")
    )
    if not lessons:
        return None
    for lesson in lessons:
        lesson.module = module
    progress = {p.lesson_id: p for p in Progress.objects.filter(user=user, lesson__in=lessons)}
    for lesson in lessons:
        lesson.user_progress = progress.get(lesson.id)
    return ModuleView(module, lessons, progress)


def mark_opened(user, lesson: Lesson) -> Progress:
    """Record that the reader opened this version of the lesson (one upsert-style write)."""
    now = timezone.now()
    updated = Progress.objects.filter(user=user, lesson=lesson).update(
        last_opened_at=now, read_hash=lesson.content_hash
    )
    if not updated:
        try:
            with transaction.atomic():
                Progress.objects.create(
                    user=user,
                    lesson=lesson,
                    started_at=now,
                    last_opened_at=now,
                    read_hash=lesson.content_hash,
                )
        except IntegrityError:
            pass  # another tab created it a moment ago; that row is just as good
    return Progress.objects.get(user=user, lesson=lesson)


def set_completed(user, lesson: Lesson, completed: bool) -> Progress:
    """Mark a lesson read or unread. Idempotent, so a double click changes nothing more."""
    progress = mark_opened(user, lesson)
    if completed and progress.completed_at is None:
        newly_done = Progress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
            completed_at=timezone.now(), completed_hash=lesson.content_hash
        )
        if newly_done:
            notify_assignment_completed(user, lesson)
    elif not completed:
        Progress.objects.filter(pk=progress.pk).update(completed_at=None, completed_hash="")
    progress.refresh_from_db()
    return progress


def lesson_neighbours(user, lesson: Lesson) -> tuple[list[Lesson], Lesson | None, Lesson | None]:
    siblings = list(
        Lesson.objects.visible_to(user)
        .filter(module_id=lesson.module_id)
        .order_by("position")
        .only("id", "slug", "title", "position", "module_id")
    )
    for sibling in siblings:
        sibling.module = lesson.module
    index = next((i for i, s in enumerate(siblings) if s.id == lesson.id), 0)
    previous = siblings[index - 1] if index > 0 else None
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    return siblings, previous, following


def continue_lesson(user) -> Lesson | None:
    """The most recently opened lesson the reader has not finished."""
    progress = (
        Progress.objects.filter(user=user, completed_at__isnull=True)
        .filter(_visible_lesson_filter(user, "lesson__"), lesson__module__is_live=True)
        .select_related("lesson__module")
        .defer(*(f"lesson__{name}" for name in LESSON_BODY), "lesson__module__intro_html")
        .order_by("-last_opened_at")
        .first()
    )
    return progress.lesson if progress else None


def first_unread_lesson(user) -> Lesson | None:
    return (
        Lesson.objects.visible_to(user)
        .exclude(progress__user=user, progress__completed_at__isnull=False)
        .select_related("module")
        .defer(*LESSON_BODY, "module__intro_html")
        .order_by("module__position", "position")
        .first()
    )


def dashboard_context(user) -> dict:
    summaries = modules_for(user)
    resume = continue_lesson(user)
    return {
        "modules": summaries,
        "assignments": client_assignments(user),
        "totals": course_totals(summaries),
        "resume": resume,
        "next_lesson": None if resume else first_unread_lesson(user),
    }


def lesson_context(user, lesson: Lesson) -> dict:
    progress = mark_opened(user, lesson)
    siblings, previous, following = lesson_neighbours(user, lesson)
    return {
        "lesson": lesson,
        "answers": answers_for_lesson(user, lesson),
        "module": lesson.module,
        "progress": progress,
        "siblings": siblings,
        "position": next((i for i, s in enumerate(siblings, 1) if s.id == lesson.id), 1),
        "previous": previous,
        "next": following,
    }
