"""The catalogue, as loaded from content/ by ``sync_content``.

Rows are never deleted by a sync: a lesson or prompt whose file disappears is marked not live,
so readers' progress and reflections keep pointing at something.
"""

from typing import TYPE_CHECKING, Self

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q
from django.urls import reverse

if TYPE_CHECKING:
    from prodep.accounts.models import User


class Status(models.TextChoices):
    PUBLISHED = "published", "Published"
    DRAFT = "draft", "Draft"


class SyncedFile(models.Model):
    """What every row loaded from one content file has: its slug and titles, the file it came
    from and its hash (unchanged files are not rendered again), and whether the file is still
    there (``is_live``: rows are unpublished, never deleted)."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    source_path = models.CharField(max_length=300)
    content_hash = models.CharField(max_length=64)
    is_live = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title


class ModuleQuerySet(models.QuerySet["Module"]):
    def live(self) -> Self:
        return self.filter(is_live=True)


class Module(SyncedFile):
    position = models.PositiveIntegerField()
    intro_html = models.TextField(blank=True)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["position", "slug"]

    def get_absolute_url(self) -> str:
        return reverse("lessons:module", args=[self.slug])


class LessonQuerySet(models.QuerySet["Lesson"]):
    def live(self) -> Self:
        """Lessons whose file is in content/, in a module whose file is too: drafts included."""
        return self.filter(is_live=True, module__is_live=True)

    def published(self) -> Self:
        """The one rule for "a published lesson": live (``live``) and not a draft. What readers
        see, therapists assign and a module's completion counts. ``Lesson.is_published`` is the
        same rule for a lesson already loaded (the outline's)."""
        return self.live().filter(status=Status.PUBLISHED)

    def visible_to(self, user: "User | AnonymousUser") -> Self:
        """Published lessons; authors also see drafts."""
        return self.live() if getattr(user, "is_author", False) else self.published()

    def formerly(self, slug: str) -> Self:
        """The lesson that used to have this slug (its file declares it in ``former_slugs``)."""
        return self.filter(redirects__old_slug=slug)


class Lesson(SyncedFile):
    """One Markdown file. Its slug is unique across the course, so it survives a move."""

    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="lessons")
    position = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    html = models.TextField()
    toc = models.JSONField(default=list, blank=True)
    references = models.JSONField(default=list, blank=True)
    links = models.JSONField(default=list, blank=True)
    word_count = models.PositiveIntegerField(default=0)
    minutes = models.PositiveIntegerField(default=1)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["module__position", "position", "slug"]
        indexes = [models.Index(fields=["module", "position"])]

    def get_absolute_url(self) -> str:
        return reverse("lessons:lesson", args=[self.module.slug, self.slug])

    @staticmethod
    def body_fields(prefix: str = "") -> list[str]:
        """The rendered body and its JSON: the bulk of a row, and never shown in a list.

        Defer them wherever lessons are listed or ride along with ``select_related``.
        """
        return [f"{prefix}{name}" for name in ("html", "toc", "references", "links")]

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_published(self) -> bool:
        """``Lesson.objects.published()`` for a loaded lesson (reads ``module``: load it with
        the lesson, as the outline does)."""
        return self.is_live and self.module.is_live and self.status == Status.PUBLISHED

    @property
    def show_toc(self) -> bool:
        """A table of contents helps only in longer lessons with several sections."""
        return len(self.toc) >= 3 and self.word_count >= 600


class LessonRedirect(models.Model):
    """A slug a lesson used to have. Its old address answers with a permanent redirect.

    Written by ``sync_content`` from the lesson's ``former_slugs`` front matter, so bookmarks
    and links to a renamed lesson keep working.
    """

    old_slug = models.SlugField(max_length=120, unique=True)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="redirects")

    class Meta:
        ordering = ["old_slug"]

    def __str__(self) -> str:  # pragma: no cover - shown in the shell only (not in the admin)
        return f"{self.old_slug} → {self.lesson.slug}"


class Prompt(models.Model):
    """A reflection prompt. Answers hang off ``key``, which authors keep stable."""

    key = models.SlugField(max_length=120, unique=True)
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="prompts")
    text = models.TextField()
    html = models.TextField()
    position = models.PositiveIntegerField()
    is_live = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["lesson", "position"]

    def __str__(self) -> str:
        return self.key


class Page(SyncedFile):
    """A stand-alone content page such as the glossary or the crisis page."""

    html = models.TextField()
    toc = models.JSONField(default=list, blank=True)
    links = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="page_slug_not_empty"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("lessons:page", args=[self.slug])


class Progress(models.Model):
    """One reader's progress through one lesson, and which version of it they read."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    started_at = models.DateTimeField()
    last_opened_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    read_hash = models.CharField(
        max_length=64, blank=True, help_text="Content hash of the version last opened."
    )
    completed_hash = models.CharField(
        max_length=64, blank=True, help_text="Content hash of the version marked as read."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="one_progress_per_lesson"),
        ]
        indexes = [models.Index(fields=["user", "-last_opened_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None
