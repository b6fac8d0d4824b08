"""Saving, listing and deleting reflections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from lessons.models import Lesson, Prompt
from prodep import crypto
from prodep.urlkit import url_for_pk

from .models import MAX_ANSWER_LENGTH, Reflection

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from prodep.accounts.models import User


class AnswerError(ValueError):
    """The answer cannot be saved; the message is safe to show the reader."""


@dataclass(frozen=True)
class SaveResult:
    reflection: Reflection
    created: bool
    conflict: bool  # another tab or device had saved a newer version first


def answerable_prompt(user: User | AnonymousUser, key: str) -> Prompt:
    """A live prompt in a lesson this user may read, or ``AnswerError``."""
    prompt = (
        Prompt.objects.filter(key=key, is_live=True, lesson__in=Lesson.objects.visible_to(user))
        .select_related("lesson__module")
        .first()
    )
    if prompt is None:
        raise AnswerError("This reflection prompt does not exist. Nothing was saved.")
    return prompt


def validate_text(text: str) -> str:
    if len(text) > MAX_ANSWER_LENGTH:
        raise AnswerError(
            f"Your answer is {len(text):,} characters long; the limit is "
            f"{MAX_ANSWER_LENGTH:,}. Nothing was saved."
        )
    if "\x00" in text:
        raise AnswerError("Your answer contains a character that cannot be saved.")
    return text


def save_answer(user: User, key: str, text: str, base_version: int | None = None) -> SaveResult:
    """Create or update the reader's answer to prompt ``key``; the newest save wins.

    ``base_version`` is the version the form was showing. If it is older than the stored one,
    the save still happens (it is the newer edit) and the result says so, so the page can
    tell the reader their other tab or device had saved in between.
    """
    text = validate_text(text)
    prompt = answerable_prompt(user, key)
    with transaction.atomic():
        existing = Reflection.objects.select_for_update().filter(user=user, prompt=prompt).first()
        if existing is None:
            reflection = Reflection(user=user, prompt=prompt, prompt_text=prompt.text)
            reflection.text = text
            try:
                with transaction.atomic():
                    reflection.save()
                return SaveResult(reflection, created=True, conflict=False)
            except IntegrityError:  # pragma: no cover - a race, as the comment below says
                # Another request created it between our read and our insert.
                existing = Reflection.objects.get(user=user, prompt=prompt)
        conflict = base_version is not None and base_version != existing.version
        existing.text = text
        existing.prompt_text = prompt.text
        Reflection.objects.filter(pk=existing.pk).update(
            ciphertext=existing.ciphertext,
            prompt_text=prompt.text,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        existing.refresh_from_db(fields=["version", "updated_at"])
    return SaveResult(existing, created=False, conflict=conflict)


def update_reflection(reflection: Reflection, text: str) -> Reflection:
    """Edit an answer from the journal (its prompt may no longer be live)."""
    reflection.text = validate_text(text)
    reflection.version = F("version") + 1
    reflection.save(update_fields=["ciphertext", "version", "updated_at"])
    reflection.refresh_from_db(fields=["version"])
    return reflection


def answers_for_lesson(user: User | AnonymousUser, lesson: Lesson) -> dict[str, Reflection]:
    """The reader's answers to this lesson's prompts, keyed by prompt key. One query."""
    if not user.is_authenticated:
        return {}
    reflections = Reflection.objects.filter(user=user, prompt__lesson=lesson).select_related(
        "prompt"
    )
    return {r.prompt.key: r for r in reflections}


@dataclass
class JournalGroup:
    module_title: str
    lesson: Lesson
    reflections: list[Reflection]


# The lesson and module bodies ride along with select_related() unless deferred: a hundred
# copies of a lesson's HTML and JSON, loaded and decoded for a page that shows only titles.
_LESSON_BODY = [
    "prompt__html",
    *Lesson.body_fields("prompt__lesson__"),
    "prompt__lesson__module__intro_html",
]


JOURNAL_PAGE_SIZE = 20
COURSE_ORDER = ("prompt__lesson__module__position", "prompt__lesson__position", "prompt__position")


@dataclass
class JournalPage:
    groups: list[JournalGroup]
    page: Page[Reflection]

    @property
    def reflections(self) -> list[Reflection]:
        return [r for group in self.groups for r in group.reflections]


def journal_for(user: User, page_number: int | str = 1) -> JournalPage:
    """One page of the reader's answers, grouped by module and lesson, in course order.

    A page holds ``JOURNAL_PAGE_SIZE`` answers: each is decrypted and carries a share form, so a
    long journal on one page grew slow to build and to read. Each reflection also carries what
    the page shows for it (its links and a short label), made here once, not per template tag.
    """
    reflections = (
        Reflection.objects.for_owner(user)
        .select_related("prompt__lesson__module")
        .defer(*_LESSON_BODY)
        .order_by(*COURSE_ORDER, "pk")
    )
    page = Paginator(reflections, JOURNAL_PAGE_SIZE).get_page(page_number)
    edit_url, delete_url = url_for_pk("journal:edit"), url_for_pk("journal:delete")
    share_url = url_for_pk("clinic:share")
    groups: list[JournalGroup] = []
    for reflection in page:
        lesson = reflection.prompt.lesson
        if not groups or groups[-1].lesson.id != lesson.id:
            groups.append(JournalGroup(lesson.module.title, lesson, []))
        reflection.edit_url = edit_url(reflection.pk)
        reflection.delete_url = delete_url(reflection.pk)
        reflection.share_url = share_url(reflection.pk)
        reflection.label = Truncator(reflection.prompt_text).chars(40)
        groups[-1].reflections.append(reflection)
    return JournalPage(groups, page)


def journal_url(user: User, reflection: Reflection, *, scroll: bool = True) -> str:
    """The journal page that holds this answer, scrolled to it if ``scroll``."""
    url = reverse("journal:index")
    ids = list(
        Reflection.objects.for_owner(user)
        .order_by(*COURSE_ORDER, "pk")
        .values_list("pk", flat=True)
    )
    if reflection.pk in ids and (number := ids.index(reflection.pk) // JOURNAL_PAGE_SIZE + 1) > 1:
        url += f"?page={number}"
    return f"{url}#answer-{reflection.pk}" if scroll else url


def rotate_all(batch_size: int = 500) -> int:
    """Re-encrypt every reflection with the first key, in batches, each in a transaction."""
    count = 0
    last_id = 0
    while True:
        with transaction.atomic():
            batch = list(
                Reflection.objects.filter(pk__gt=last_id)
                .order_by("pk")
                .only("id", "ciphertext")[:batch_size]
            )
            if not batch:
                return count
            for reflection in batch:
                reflection.ciphertext = crypto.rotate(reflection.ciphertext)
            Reflection.objects.bulk_update(batch, ["ciphertext"])
        count += len(batch)
        last_id = batch[-1].pk
