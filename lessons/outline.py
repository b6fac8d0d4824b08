"""The course outline: live modules and their lessons, without bodies, cached per content version.

Every reading page needs the outline (module cards, a lesson's neighbours, what an assignment
counts), and it changes only when content is synced. So each process keeps one copy, built
with two queries, and asks the shared cache whether the content version has moved
on; ``bump()`` moves it when ``sync_content`` writes and when a module or lesson is saved.
The shared version is read at most once a second (``CHECK_EVERY``), so a page that asks
several times costs one cache read. A copy is also rebuilt once it is ``MAX_AGE`` seconds old:
a per-process cache (local memory) cannot hear another process's bump, and this bounds how
long it can lag.

The instances are shared by every request of the process: read them, never set attributes on
them, and never read a deferred body field from them.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction

from prodep.cache import last_reached_shared_cache

from .models import Lesson, Module

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from prodep.accounts.models import User

VERSION_KEY = "lessons:outline-version"
MAX_AGE = 60


@dataclass
class Outline:
    version: str
    modules: tuple[Module, ...]  # live modules with at least one live lesson, in course order
    lessons: tuple[Lesson, ...]  # their live lessons (drafts too), in course order
    built_at: float = field(default_factory=time.monotonic)

    @classmethod
    def load(cls, version: str) -> Outline:
        modules = {m.id: m for m in Module.objects.live().defer("intro_html").order_by("position")}
        lessons = []
        rows = Lesson.objects.live().filter(module_id__in=modules).defer(*Lesson.body_fields())
        for lesson in rows.order_by("position", "slug"):
            lesson.module = modules[lesson.module_id]
            lessons.append(lesson)
        lessons.sort(key=lambda lesson: lesson.module.position)  # stable: keeps lesson order
        used = {lesson.module_id for lesson in lessons}
        return cls(version, tuple(m for m in modules.values() if m.id in used), tuple(lessons))

    # Derived once per copy, not per request.
    @cached_property
    def lessons_by_id(self) -> dict[int, Lesson]:
        return {lesson.id: lesson for lesson in self.lessons}

    @cached_property
    def modules_by_id(self) -> dict[int, Module]:
        return {module.id: module for module in self.modules}

    @cached_property
    def published(self) -> tuple[Lesson, ...]:
        return tuple(lesson for lesson in self.lessons if lesson.is_published)

    @cached_property
    def published_counts(self) -> dict[int, int]:
        """Published lessons per module: what completing a module takes."""
        return dict(Counter(lesson.module_id for lesson in self.published))

    def visible_lessons(self, user: User | AnonymousUser) -> tuple[Lesson, ...]:
        """Published lessons; authors also see drafts (as ``Lesson.objects.visible_to``)."""
        return self.lessons if getattr(user, "is_author", False) else self.published

    def lessons_in(self, module_id: int, user: User | AnonymousUser) -> list[Lesson]:
        return [lesson for lesson in self.visible_lessons(user) if lesson.module_id == module_id]


_copy: Outline | None = None
_checked_at = 0.0
CHECK_EVERY = 1.0  # seconds: a page asks for the outline several times; one cache read will do


def current() -> Outline:
    """This process's outline, rebuilt when the content version moved on or it grew old."""
    global _copy, _checked_at
    copy, now = _copy, time.monotonic()
    if copy is not None and now - _checked_at < CHECK_EVERY and now - copy.built_at < MAX_AGE:
        return copy
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    if copy is None or copy.version != version or now - copy.built_at > MAX_AGE:
        copy = _copy = Outline.load(version)
    _checked_at = now
    return copy


def bump(told: Callable[[bool | None], None] | None = None) -> None:
    """Content changed: rebuild the outline on next use.

    This process at once (its connection sees the change even inside the transaction), and
    every process, this one included, once the change is committed. ``told`` hears, after the
    commit, whether the shared cache took the new version (None: there is no shared cache).
    When it did not, other processes rebuild once their copy is ``MAX_AGE`` old.
    """
    global _copy
    _copy = None
    transaction.on_commit(lambda: _move_on(told))


def _move_on(told: Callable[[bool | None], None] | None = None) -> None:
    global _copy
    _copy = None
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    if told is not None:
        told(last_reached_shared_cache())
