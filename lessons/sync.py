"""Loading content/ into the database: what ``manage.py sync_content`` and ``make run`` do."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from . import outline
from .content import (
    ContentFile,
    Tree,
    check_tree,
    duplicate_prompt_problems,
    render_files,
    scan,
)
from .models import Lesson, LessonRedirect, Module, Page, Prompt, Status, SyncedFile
from .parsing import Problem
from .rendering import Rendered, render_references


class ContentError(Exception):
    """The content has errors; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class SyncReport:
    counts: Counter[str] = field(default_factory=Counter)
    warnings: list[Problem] = field(default_factory=list)
    # After the commit: did the shared cache take the new content version? None: no shared
    # cache (or nothing committed yet).
    shared_cache_told: bool | None = None

    def heard_from_cache(self, told: bool | None) -> None:
        self.shared_cache_told = told

    def add(self, outcome: str, n: int = 1) -> None:
        self.counts[outcome] += n

    def summary(self) -> str:
        parts = [
            f"{self.counts[k]} {k}" for k in ("created", "updated", "unchanged", "unpublished")
        ]
        return ", ".join(parts)


def sync_content(root: Path | None = None, *, check_only: bool = False) -> SyncReport:
    """Load content/ into the database in one transaction.

    Files whose hash and path are unchanged are not re-rendered. Removed lessons, modules,
    pages and prompts are unpublished, never deleted. Any error aborts the whole sync and
    raises ``ContentError``; the database is left as it was. ``check_only`` renders
    everything and touches no database.
    """
    root = Path(root or settings.CONTENT_DIR)
    if check_only:
        _, _, problems = check_tree(root)
        return SyncReport(warnings=_warnings_or_raise(problems))
    tree = scan(root)
    known = _known_files()
    rendered = render_files(tree, [f for f in tree.files if known.get(f.path) != f.digest])
    problems = list(tree.problems)
    for result in rendered.values():
        problems += result.problems
    problems += duplicate_prompt_problems(_prompt_owners(tree, rendered))
    problems += _links_gone_stale(tree, rendered)
    report = SyncReport(warnings=_warnings_or_raise(problems))
    with transaction.atomic():
        _write(tree, rendered, report)
        outline.bump(told=report.heard_from_cache)
    report.warnings += removed_prompts_with_answers()
    return report


def _warnings_or_raise(problems: list[Problem]) -> list[Problem]:
    """The warnings, when there is no error; else ``ContentError`` with the errors."""
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise ContentError(errors)
    return problems


def _known_files() -> dict[str, str]:
    known: dict[str, str] = {}
    for model in (Module, Lesson, Page):
        for path, digest in model.objects.filter(is_live=True).values_list(
            "source_path", "content_hash"
        ):
            known[path] = digest
    return known


def _prompt_owners(tree: Tree, rendered: dict[str, Rendered]) -> list[tuple[str, str, int]]:
    """(prompt id, file, line) course-wide: from the files just rendered, and from the
    database for the unchanged lessons, so ids stay unique across both."""
    owners = [
        (prompt.key, f.path, prompt.line)
        for f in tree.files
        if f.path in rendered
        for prompt in rendered[f.path].prompts
    ]
    unchanged_lessons = [
        f.path for f in tree.files if f.kind == "lesson" and f.path not in rendered
    ]
    stored = Prompt.objects.filter(
        is_live=True, lesson__source_path__in=unchanged_lessons
    ).values_list("key", "lesson__source_path")
    return owners + [(key, path, 1) for key, path in stored]


def _links_gone_stale(tree: Tree, rendered: dict[str, Rendered]) -> list[Problem]:
    """Links from unchanged files to a file that was removed or renamed."""
    urls = tree.url_for_path()
    unchanged = [f.path for f in tree.files if f.path not in rendered]
    return [
        Problem(path, 1, f"broken link to '{target}'", "The linked file was removed or renamed.")
        for model in (Lesson, Page)
        for path, links in model.objects.filter(
            source_path__in=unchanged, is_live=True
        ).values_list("source_path", "links")
        for target in links
        if target not in urls
    ]


def _rename_lessons(tree: Tree, rendered: dict[str, Rendered]) -> None:
    """A new slug whose file names a former slug takes over that lesson's row.

    Renaming the row in place keeps everything that hangs off the lesson: readers' progress,
    therapists' assignments and the prompts. If a row with the new slug already exists, the old
    row is left as it is (unpublished); its address still redirects to the new lesson.
    """
    for f in tree.files:
        former = rendered[f.path].meta.get("former_slugs") if f.path in rendered else None
        if f.kind != "lesson" or not former or Lesson.objects.filter(slug=f.slug).exists():
            continue
        rows = Lesson.objects.filter(slug__in=former).in_bulk(field_name="slug")
        old = next((rows[slug] for slug in former if slug in rows), None)
        if old is not None:
            Lesson.objects.filter(pk=old.pk).update(slug=f.slug)


def _write(tree: Tree, rendered: dict[str, Rendered], report: SyncReport) -> None:
    _rename_lessons(tree, rendered)
    changed = {f.slug for f in tree.files if f.path in rendered}
    modules = {m.slug: m for m in Module.objects.all()}
    lessons = Lesson.objects.filter(slug__in=changed).in_bulk(field_name="slug")
    pages = Page.objects.filter(slug__in=changed).in_bulk(field_name="slug")
    seen_modules, seen_lessons, seen_pages = set(), set(), set()
    for f in tree.files:
        if f.kind == "module":
            seen_modules.add(f.slug)
            modules[f.slug] = _write_module(f, rendered.get(f.path), modules.get(f.slug), report)
    for f in tree.files:
        result = rendered.get(f.path)
        if f.kind == "lesson":
            seen_lessons.add(f.slug)
            if result is None:
                report.add("unchanged")
            else:
                _write_lesson(f, result, lessons.get(f.slug), modules[f.module_slug], report)
        elif f.kind == "page":
            seen_pages.add(f.slug)
            if result is None:
                report.add("unchanged")
            else:
                _write_page(f, result, pages.get(f.slug), report)
    live_keys = set(
        Prompt.objects.filter(is_live=True, lesson__slug__in=seen_lessons).values_list(
            "key", flat=True
        )
    )
    report.add(
        "unpublished",
        Module.objects.filter(is_live=True).exclude(slug__in=seen_modules).update(is_live=False),
    )
    report.add(
        "unpublished",
        Lesson.objects.filter(is_live=True).exclude(slug__in=seen_lessons).update(is_live=False),
    )
    report.add(
        "unpublished",
        Page.objects.filter(is_live=True).exclude(slug__in=seen_pages).update(is_live=False),
    )
    Prompt.objects.filter(is_live=True).exclude(key__in=live_keys).update(is_live=False)


def _outcome(existing: SyncedFile | None, report: SyncReport) -> str:
    outcome = "updated" if existing is not None else "created"
    report.add(outcome)
    return outcome


def _write_module(
    f: ContentFile, result: Rendered | None, module: Module | None, report: SyncReport
) -> Module:
    if result is None and module is not None:
        report.add("unchanged")
        return module
    assert result is not None, "a module file is only left unrendered when its row exists"
    _outcome(module, report)
    module = module or Module(slug=f.slug)
    _apply_file(module, f, result)
    module.position = f.position
    module.intro_html = result.html
    module.save()
    return module


def _write_lesson(
    f: ContentFile, result: Rendered, lesson: Lesson | None, module: Module, report: SyncReport
) -> None:
    _outcome(lesson, report)
    lesson = _apply(lesson or Lesson(slug=f.slug), f, result)
    lesson.module = module
    lesson.position = f.position
    lesson.status = result.meta.get("status", Status.PUBLISHED)
    lesson.references = render_references(result.meta.get("references", []))
    lesson.word_count = result.word_count
    lesson.minutes = result.minutes
    lesson.save()
    keys: list[str] = []
    for spec in result.prompts:
        keys.append(spec.key)
        Prompt.objects.update_or_create(
            key=spec.key,
            defaults={
                "lesson": lesson,
                "text": spec.text,
                "html": spec.html,
                "position": spec.position,
                "is_live": True,
            },
        )
    lesson.prompts.filter(is_live=True).exclude(key__in=keys).update(is_live=False)
    former = result.meta.get("former_slugs", [])
    lesson.redirects.exclude(old_slug__in=former).delete()
    for old_slug in former:
        LessonRedirect.objects.update_or_create(old_slug=old_slug, defaults={"lesson": lesson})


def _write_page(f: ContentFile, result: Rendered, page: Page | None, report: SyncReport) -> None:
    _outcome(page, report)
    _apply(page or Page(slug=f.slug), f, result).save()


def _apply_file(obj: SyncedFile, f: ContentFile, result: Rendered) -> None:
    """Copy what every synced row has from its rendered file; the caller saves."""
    obj.title = result.meta["title"].strip()
    obj.summary = result.meta["summary"].strip()
    obj.source_path = f.path
    obj.content_hash = f.digest
    obj.is_live = True


def _apply[Row: (Lesson, Page)](obj: Row, f: ContentFile, result: Rendered) -> Row:
    """Copy what lessons and pages share from a rendered file; the caller saves."""
    _apply_file(obj, f, result)
    obj.html = result.html
    obj.toc = result.toc
    obj.links = result.links
    return obj


def removed_prompts_with_answers() -> list[Problem]:
    """Warn when a prompt left the content while readers have answers to it.

    The answers stay in each reader's journal with the prompt text they answered; the warning
    exists so an author who only meant to reword a prompt can restore its id.
    """
    gone = (
        Prompt.objects.filter(is_live=False, reflections__isnull=False)
        .select_related("lesson")
        .distinct()
    )
    return [
        Problem(
            p.lesson.source_path,
            1,
            f"prompt id '{p.key}' was removed but readers have answers to it",
            "If you only reworded the prompt, keep its old id.",
            level="warning",
        )
        for p in gone
    ]
