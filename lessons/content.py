"""Reading the content/ tree: which files exist, what they are, and what is wrong with them.

Layout::

    content/
      _language.yml            blaming terms and kinder suggestions, for the language check
      glossary.md, crisis.md   stand-alone pages, served at /help/<slug>/
      01-module-slug/
        _module.md             the module's front matter and introduction
        01-lesson-slug.md      one file per lesson; order from the number, slug from the rest
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.urls import reverse

from .language import Vocabulary
from .parsing import Problem, declared_former_slugs
from .rendering import RENDERER_VERSION, Rendered, render_document

MODULE_FILE = "_module.md"
LANGUAGE_FILE = "_language.yml"
IGNORED_FILES = {"README.md"}
_NUMBERED_RE = re.compile(r"^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)$")


@dataclass(frozen=True)
class ContentFile:
    kind: str  # "module", "lesson" or "page"
    path: str  # relative to the content folder, with forward slashes
    slug: str
    position: int
    module_slug: str
    text: str
    digest: str

    @property
    def url(self) -> str:
        if self.kind == "module":
            return reverse("lessons:module", args=[self.slug])
        if self.kind == "lesson":
            return reverse("lessons:lesson", args=[self.module_slug, self.slug])
        return reverse("lessons:page", args=[self.slug])


@dataclass
class Tree:
    """Everything found under content/, before any rendering."""

    root: Path
    files: list[ContentFile]
    vocabulary: Vocabulary
    problems: list[Problem]
    _urls: dict[str, str] | None = field(default=None, repr=False)

    def url_for_path(self) -> dict[str, str]:
        if self._urls is None:
            self._urls = {f.path: f.url for f in self.files}
        return self._urls

    def by_path(self, path: str) -> ContentFile | None:
        return next((f for f in self.files if f.path == path), None)


def load_vocabulary(root: Path) -> tuple[Vocabulary, list[Problem]]:
    path = root / LANGUAGE_FILE
    if not path.is_file():
        return Vocabulary({}), []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return Vocabulary({}), [
            Problem(
                LANGUAGE_FILE,
                mark.line + 1 if mark else 1,
                "the term list could not be read",
                "Write one 'term: kinder suggestion' per line.",
            )
        ]
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        return Vocabulary({}), [
            Problem(
                LANGUAGE_FILE,
                1,
                "the term list is not a mapping",
                "Write one 'term: kinder suggestion' per line.",
            )
        ]
    return Vocabulary({k.lower().strip(): v.strip() for k, v in data.items()}), []


def _digest(text: str, vocabulary: Vocabulary) -> str:
    sha = hashlib.sha256(RENDERER_VERSION.encode())
    sha.update(repr(sorted(vocabulary.terms.items())).encode())
    sha.update(text.encode("utf-8"))
    return sha.hexdigest()


def _read(path: Path, rel: str, problems: list[Problem]) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(rel, 1, "file is not UTF-8 text", "Save it as UTF-8."))
    except OSError as exc:
        problems.append(Problem(rel, 1, f"file cannot be read ({exc.strerror})", ""))
    return None


def _load(
    path: Path,
    rel: str,
    kind: str,
    slug: str,
    position: int,
    module_slug: str,
    vocabulary: Vocabulary,
    problems: list[Problem],
) -> list[ContentFile]:
    """Read one file into a ContentFile (or report why it cannot be read): [] or [file]."""
    text = _read(path, rel, problems)
    if text is None:
        return []
    return [ContentFile(kind, rel, slug, position, module_slug, text, _digest(text, vocabulary))]


def scan(root: Path) -> Tree:
    """Find every content file and check names and slugs. Reads, never renders."""
    problems: list[Problem] = []
    vocabulary, vocab_problems = load_vocabulary(root)
    problems += vocab_problems
    files: list[ContentFile] = []
    if not root.is_dir():
        return Tree(
            root,
            [],
            vocabulary,
            [
                Problem(
                    str(root), 1, "content folder not found", "Set CONTENT_DIR or create content/."
                )
            ],
        )
    for entry in sorted(root.iterdir()):
        name = entry.name
        if name.startswith((".", "_")) or name in IGNORED_FILES:
            continue
        if entry.is_file() and name.endswith(".md"):
            slug = name[:-3]
            if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
                problems.append(
                    Problem(
                        name,
                        1,
                        "page file names use lowercase and hyphens",
                        "Rename it, e.g. crisis.md.",
                    )
                )
                continue
            files += _load(entry, name, "page", slug, 0, "", vocabulary, problems)
        elif entry.is_dir():
            files += _scan_module(entry, vocabulary, problems)
    _check_duplicates(files, problems)
    _check_former_slugs(files, problems)
    return Tree(root, files, vocabulary, problems)


def _scan_module(folder: Path, vocabulary: Vocabulary, problems: list[Problem]):
    match = _NUMBERED_RE.match(folder.name)
    if not match:
        problems.append(
            Problem(
                folder.name,
                1,
                "module folder name must look like '01-slug'",
                "Rename it: a number, a hyphen, then lowercase words.",
            )
        )
        return []
    position, module_slug = int(match.group(1)), match.group(2)
    found = []
    module_file = folder / MODULE_FILE
    rel = f"{folder.name}/{MODULE_FILE}"
    if not module_file.is_file():
        problems.append(
            Problem(
                rel, 1, "module has no _module.md", "Create it with title and summary front matter."
            )
        )
    else:
        found += _load(
            module_file, rel, "module", module_slug, position, module_slug, vocabulary, problems
        )
    for entry in sorted(folder.iterdir()):
        if entry.name in (MODULE_FILE, *IGNORED_FILES) or entry.name.startswith("."):
            continue
        rel = f"{folder.name}/{entry.name}"
        if not entry.is_file() or not entry.name.endswith(".md"):
            continue
        lesson_match = _NUMBERED_RE.match(entry.name[:-3])
        if not lesson_match:
            problems.append(
                Problem(
                    rel,
                    1,
                    "lesson file name must look like '01-slug.md'",
                    "Rename it: a number, a hyphen, lowercase words, .md.",
                )
            )
            continue
        found += _load(
            entry,
            rel,
            "lesson",
            lesson_match.group(2),
            int(lesson_match.group(1)),
            module_slug,
            vocabulary,
            problems,
        )
    return found


def _check_duplicates(files: list[ContentFile], problems: list[Problem]) -> None:
    for kind in ("module", "lesson", "page"):
        seen: dict[str, str] = {}
        for f in files:
            if f.kind != kind:
                continue
            if f.slug in seen:
                problems.append(
                    Problem(
                        f.path,
                        1,
                        f"duplicate {kind} slug '{f.slug}'",
                        f"{seen[f.slug]} uses it too; slugs must be unique "
                        "across the course, so rename one file.",
                    )
                )
            else:
                seen[f.slug] = f.path


def _check_former_slugs(files: list[ContentFile], problems: list[Problem]) -> None:
    """A former slug redirects to one lesson, so it is unique across the course, and it is
    never a lesson's current slug (that address belongs to the live lesson)."""
    live = {f.slug: f.path for f in files if f.kind == "lesson"}
    declared: dict[str, tuple[str, int]] = {}
    for f in files:
        for slug, line in declared_former_slugs(f.text):
            if f.kind != "lesson":
                problems.append(
                    Problem(
                        f.path,
                        line,
                        "only lessons can have former slugs",
                        "Remove 'former_slugs' from this file.",
                    )
                )
            elif slug in live:
                problems.append(
                    Problem(
                        f.path,
                        line,
                        f"former slug '{slug}' is the slug of a live lesson",
                        f"{live[slug]} uses it; an address cannot both show a lesson and "
                        "redirect, so remove it from 'former_slugs' or rename that file.",
                    )
                )
            elif slug in declared and declared[slug][0] != f.path:
                first_path, first_line = declared[slug]
                problems.append(
                    Problem(
                        f.path,
                        line,
                        f"former slug '{slug}' is declared twice",
                        f"{first_path}:{first_line} declares it too; an old address can "
                        "redirect to one lesson only, so keep it in one file.",
                    )
                )
            else:
                declared.setdefault(slug, (f.path, line))


def render_file(tree: Tree, f: ContentFile) -> Rendered:
    return render_document(
        f.text, f.path, url_for_path=tree.url_for_path(), vocabulary=tree.vocabulary
    )


PARALLEL_FROM = 200  # files: below this, starting worker processes costs more than it saves


def render_files(tree: Tree, files: list[ContentFile]) -> dict[str, Rendered]:
    """Render files by path, on every core when there are many (a cold sync of a big course).

    Rendering is pure Python (Markdown, then bleach), so only processes help. They are spawned,
    not forked, so a threaded process (the development server's auto-sync) may call this too.
    """
    cores = os.cpu_count() or 1
    if cores > 1 and len(files) >= PARALLEL_FROM:
        try:
            with ProcessPoolExecutor(
                max_workers=min(cores, 4),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_renderer,
                initargs=(tree.url_for_path(), tree.vocabulary),
            ) as pool:
                results = pool.map(_render, [(f.text, f.path) for f in files], chunksize=16)
                return {f.path: result for f, result in zip(files, results, strict=True)}
        except (OSError, BrokenProcessPool):  # pragma: no cover - a host that cannot spawn
            pass  # no processes to be had here: render in this one
    return {f.path: render_file(tree, f) for f in files}


_renderer_context: dict = {}


# The two below run in the worker processes, which coverage does not follow; the output they
# give is checked in tests/lessons/test_parallel_render.py.
def _start_renderer(  # pragma: no cover
    url_for_path: dict[str, str], vocabulary: Vocabulary
) -> None:
    _renderer_context.update(url_for_path=url_for_path, vocabulary=vocabulary)


def _render(  # pragma: no cover
    job: tuple[str, str],
) -> Rendered:
    text, path = job
    return render_document(text, path, **_renderer_context)


def duplicate_prompt_problems(prompt_owners: list[tuple[str, str, int]]) -> list[Problem]:
    """``prompt_owners`` holds (prompt key, file path, line); ids must be unique course-wide."""
    problems = []
    first: dict[str, tuple[str, int]] = {}
    for key, path, line in prompt_owners:
        if key in first and first[key][0] != path:
            problems.append(
                Problem(
                    path,
                    line,
                    f"duplicate prompt id '{key}'",
                    f"{first[key][0]}:{first[key][1]} uses it too; answers are "
                    "saved by id, so give this prompt a new one.",
                )
            )
        first.setdefault(key, (path, line))
    return problems


def check_tree(root: Path) -> tuple[Tree, dict[str, Rendered], list[Problem]]:
    """Render every file without touching the database and return all problems."""
    tree = scan(root)
    rendered = render_files(tree, tree.files)
    problems = list(tree.problems)
    owners = []
    for f in tree.files:
        problems += rendered[f.path].problems
        owners += [(p.key, f.path, p.line) for p in rendered[f.path].prompts]
    problems += duplicate_prompt_problems(owners)
    return tree, rendered, problems
