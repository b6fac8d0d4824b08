"""Turn one content file into checked, sanitised HTML.

Blocks (contrast, reflection, note, safety, try-this) use a small hand-written syntax::

    ::: contrast Checking their phone
    :: codependence
    Markdown...
    :: prodependence
    Markdown...
    :::

pymdown-extensions' generic blocks were considered. A hand-written pre-pass is used instead
because the checks need what that extension does not give: the file line of every problem,
and which side of a contrast block a word sits on (blaming language is allowed only on the
codependence side). Each block's inner Markdown is rendered and sanitised on its own, then
wrapped in markup generated here, so no author text can forge the wrapper or the answer slot
that the reading page fills in.

Nothing here touches the database: sync and the system checks both call ``render_document``.
"""

from __future__ import annotations

import html
import math
import re
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import markdown
import yaml
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .language import Vocabulary
from .sanitize import sanitize_html

RENDERER_VERSION = "4"
WORDS_PER_MINUTE = 200
CALLOUT_TYPES = {"note": "Note", "safety": "Your safety", "try-this": "Try this"}
BLOCK_TYPES = {"contrast", "reflection", *CALLOUT_TYPES}
CONTRAST_SIDES = ("codependence", "prodependence")
SIDE_LABELS = {"codependence": "The codependence lens", "prodependence": "The prodependence lens"}
PROMPT_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_RE = PROMPT_ID_RE  # lesson slugs and former slugs: lowercase words joined by hyphens
ANSWER_SLOT_RE = re.compile(r"<!--prodep:answer:([a-z0-9-]+)-->")
_BLOCK_OPEN_RE = re.compile(r"^:::\s*([A-Za-z][\w-]*)\s*(.*?)\s*$")
_SIDE_RE = re.compile(r"^::\s+([A-Za-z][\w-]*)\s*$")
_FENCE_RE = re.compile(r"^(```|~~~)")
_ATTR_RE = re.compile(r'(\w+)=("[^"]*"|\S+)')
_TAG_RE = re.compile(r"<[^>]+>")
_WORD_RE = re.compile(r"[\w'’-]+")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file, pointing at the line to fix."""

    path: str
    line: int
    message: str
    hint: str = ""
    level: str = "error"  # or "warning"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Block:
    kind: str
    line: int
    title: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    lines: list[tuple[int, str]] = field(default_factory=list)
    sides: dict[str, list[tuple[int, str]]] = field(default_factory=dict)


@dataclass
class PromptSpec:
    key: str
    text: str
    html: str
    position: int
    line: int


@dataclass
class Rendered:
    """The result of rendering one file: everything sync stores, plus its problems."""

    meta: dict
    html: str = ""
    toc: list[dict] = field(default_factory=list)
    prompts: list[PromptSpec] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    word_count: int = 0
    minutes: int = 1
    contrast_count: int = 0
    problems: list[Problem] = field(default_factory=list)


class LinkResolver:
    """Maps relative ``.md`` links to site URLs, recording what each file links to."""

    def __init__(self, source_path: str, url_for_path: dict[str, str]):
        self.base = PurePosixPath(source_path).parent
        self.url_for_path = url_for_path
        self.targets: list[str] = []
        self.broken: list[str] = []
        self.images_without_alt: list[str] = []

    def resolve(self, href: str) -> str | None:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.endswith(".md"):
            return None
        target = _normalise(self.base / parts.path)
        self.targets.append(target)
        url = self.url_for_path.get(target)
        if url is None:
            self.broken.append(href)
            return None
        return url + (f"#{parts.fragment}" if parts.fragment else "")


def _normalise(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


class _LinkTreeprocessor(Treeprocessor):
    """Rewrites links through ``md.resolver``, the document being converted."""

    @property
    def resolver(self) -> LinkResolver:
        return self.md.resolver

    def run(self, root):
        for element in root.iter():
            if element.tag == "a" and element.get("href"):
                url = self.resolver.resolve(element.get("href"))
                if url:
                    element.set("href", url)
            elif element.tag == "img" and not (element.get("alt") or "").strip():
                self.resolver.images_without_alt.append(element.get("src", ""))


class _LinkExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_LinkTreeprocessor(md), "prodep_links", 1)


_converters = threading.local()


def _markdown(resolver: LinkResolver, with_toc: bool) -> markdown.Markdown:
    """A reset converter for this document. Building one (its extensions) costs more than
    converting a lesson, so each thread keeps one with and one without a table of contents."""
    name = "toc" if with_toc else "plain"
    md = getattr(_converters, name, None)
    if md is None:
        extensions = ["tables", "attr_list", "footnotes", "sane_lists", "def_list", "abbr"]
        extensions.append("fenced_code")  # ``` and ~~~ code, as the authoring guide shows
        extensions.append(_LinkExtension())
        configs = {"tables": {"use_align_attribute": True}}
        if with_toc:
            extensions.append("toc")
            configs["toc"] = {"toc_depth": "2-3"}
        md = markdown.Markdown(
            extensions=extensions, extension_configs=configs, output_format="html"
        )
        setattr(_converters, name, md)
    md.reset()
    md.resolver = resolver
    return md


def split_front_matter(text: str, path: str) -> tuple[dict, str, int, list[Problem]]:
    """Return (front matter, body, line number where the body starts, problems)."""
    hint = "Start the file with a '---' line, then title and summary, then another '---' line."
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 1, [Problem(path, 1, "missing front matter", hint)]
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            raw = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            try:
                meta = yaml.safe_load(raw) or {}
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                line = mark.line + 2 if mark else 1
                problem = getattr(exc, "problem", None) or "could not be read"
                msg = f"invalid front matter: {problem}"
                return (
                    {},
                    body,
                    index + 2,
                    [Problem(path, line, msg, "Quote values that contain a colon.")],
                )
            if not isinstance(meta, dict):
                return {}, body, index + 2, [Problem(path, 2, "invalid front matter", hint)]
            return meta, body, index + 2, []
    return {}, text, 1, [Problem(path, 1, "front matter is not closed", hint)]


def validate_meta(meta: dict, path: str) -> list[Problem]:
    problems = []
    for key in ("title", "summary"):
        value = meta.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(
                Problem(path, 2, f"front matter needs a '{key}'", f"Add a line '{key}: ...'.")
            )
    status = meta.get("status", "published")
    if status not in ("published", "draft"):
        problems.append(
            Problem(path, 2, f"unknown status {status!r}", "Use 'published' or 'draft'.")
        )
    minutes = meta.get("minutes")
    if minutes is not None and not (isinstance(minutes, int) and 0 < minutes < 600):
        problems.append(
            Problem(path, 2, "'minutes' must be a whole number", "Remove it to compute it.")
        )
    references = meta.get("references", [])
    if not isinstance(references, list) or not all(isinstance(r, str) for r in references):
        problems.append(
            Problem(path, 2, "'references' must be a list of strings", "Use '- \"...\"' lines.")
        )
    known = {"title", "summary", "status", "minutes", "references", "former_slugs"}
    for key in sorted(set(meta) - known):
        problems.append(
            Problem(path, 2, f"unknown front matter field '{key}'", "Remove or rename it.")
        )
    return problems


def front_matter_line(text: str, key: str, value: str = "") -> int:
    """The file line of ``key:`` in the front matter (or of ``value`` at or after it)."""
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), len(lines))
    start = next((i for i in range(1, end) if lines[i].startswith(f"{key}:")), None)
    if start is None:
        return 2
    if value:
        pattern = re.compile(rf"(?<![\w-]){re.escape(value)}(?![\w-])")
        for i in range(start, end):
            if pattern.search(lines[i]):
                return i + 1
    return start + 1


def _check_former_slugs(meta: dict, text: str, path: str) -> list[Problem]:
    """``former_slugs`` is a list of slugs this lesson used to have (course-wide checks: scan)."""
    if "former_slugs" not in meta:
        return []
    former = meta["former_slugs"]
    hint = "Write 'former_slugs: [old-slug]': the old file name without its number and .md."
    if not isinstance(former, list) or not all(isinstance(s, str) for s in former):
        line = front_matter_line(text, "former_slugs")
        return [Problem(path, line, "'former_slugs' must be a list of slugs", hint)]
    return [
        Problem(
            path,
            front_matter_line(text, "former_slugs", slug),
            f"former slug '{slug}' is not a valid slug",
            hint,
        )
        for slug in former
        if not SLUG_RE.match(slug)
    ]


def declared_former_slugs(text: str) -> list[tuple[str, int]]:
    """(slug, line) for each valid former slug a file declares; cheap when it declares none."""
    if "former_slugs:" not in text:
        return []
    meta, _, _, problems = split_front_matter(text, "")
    former = meta.get("former_slugs")
    if problems or not isinstance(former, list):
        return []
    return [
        (slug, front_matter_line(text, "former_slugs", slug))
        for slug in former
        if isinstance(slug, str) and SLUG_RE.match(slug)
    ]


# Mentions that need the abuse caveat in the same file, and the pages that carry it.
COUPLES_THERAPY_RE = re.compile(
    r"\b(?:couples?(?:'s|’s|s'|s’)?|marriage)\s+"
    r"(?:therapy|therapists?|counsell?ing|counsell?ors?)\b",
    re.IGNORECASE,
)
ABUSE_CAVEAT_SLUGS = ("when-you-are-afraid-of-your-partner", "crisis")


def _slug_of(path: str) -> str:
    return re.sub(r"^\d+-", "", PurePosixPath(path).stem)


def _check_couples_therapy_caveat(items, links: list[str], path: str) -> list[Problem]:
    """Couples therapy is usually not advised where there is abuse or fear of the partner, so a
    file that mentions it must also link the lesson on being afraid of a partner (or the crisis
    page). A warning, with the line of the first mention."""
    if _slug_of(path) in ABUSE_CAVEAT_SLUGS or any(
        _slug_of(target) in ABUSE_CAVEAT_SLUGS for target in links
    ):
        return []
    for number, text in _all_lines(items):
        match = COUPLES_THERAPY_RE.search(text)
        if match:
            return [
                Problem(
                    path,
                    number,
                    f"'{match.group(0)}' is mentioned without the abuse caveat",
                    "Add, beside it or in a safety callout, that couples therapy is usually "
                    "not advised where there is abuse or fear of the partner, and link "
                    "../02-the-first-weeks/05-when-you-are-afraid-of-your-partner.md.",
                    level="warning",
                )
            ]
    return []


def _all_lines(items) -> list[tuple[int, str]]:
    """Every body line with its file line number, inside blocks too, in file order."""
    lines: list[tuple[int, str]] = []
    for item in items:
        if isinstance(item, Block):
            lines.append((item.line, item.title))
            lines.extend(item.lines)
            for side in item.sides.values():
                lines.extend(side)
        else:
            lines.append(item)
    return sorted(lines)


def _destination(items: list, current: Block | None, side: str | None) -> list:
    """Where the next line goes: the document, the open block, or one side of a contrast."""
    if current is None:
        return items
    if current.kind == "contrast" and side:
        return current.sides.setdefault(side, [])
    return current.lines


def parse_blocks(body: str, first_line: int, path: str):
    """Split the body into Markdown lines and blocks. Returns (items, problems).

    ``items`` holds ``(line_number, text)`` tuples for plain Markdown and ``Block`` objects.
    """
    items: list = []
    problems: list[Problem] = []
    current: Block | None = None
    side: str | None = None
    in_fence = False
    for offset, text in enumerate(body.split("\n")):
        number = first_line + offset
        stripped = text.strip()
        is_fence = bool(_FENCE_RE.match(stripped))
        if is_fence:
            in_fence = not in_fence
        if is_fence or in_fence:
            # Code is never parsed for blocks; it belongs to whatever encloses it.
            _destination(items, current, side).append((number, text))
            continue
        if stripped == ":::":
            if current is None:
                problems.append(Problem(path, number, "':::' closes no block", "Remove it."))
            else:
                items.append(current)
                current, side = None, None
            continue
        opening = _BLOCK_OPEN_RE.match(stripped)
        if opening:
            kind, rest = opening.group(1).lower(), opening.group(2)
            if current is not None:
                problems.append(
                    Problem(
                        path,
                        number,
                        f"'::: {kind}' opens inside the block from line {current.line}",
                        "Close the first block with ':::' before opening another.",
                    )
                )
                items.append(current)
            current, side = Block(kind=kind, line=number), None
            if kind not in BLOCK_TYPES:
                problems.append(
                    Problem(
                        path,
                        number,
                        f"unknown block '{kind}'",
                        "Use one of: " + ", ".join(sorted(BLOCK_TYPES)) + ".",
                    )
                )
            if kind == "reflection":
                current.attrs = {k: v.strip('"') for k, v in _ATTR_RE.findall(rest)}
            else:
                current.title = rest.strip().strip('"')
            continue
        side_match = _SIDE_RE.match(stripped)
        if side_match and current is not None and current.kind == "contrast":
            side = side_match.group(1).lower()
            if side not in CONTRAST_SIDES:
                problems.append(
                    Problem(
                        path,
                        number,
                        f"unknown contrast side '{side}'",
                        "Use ':: codependence' and ':: prodependence'.",
                    )
                )
            elif side in current.sides:
                problems.append(
                    Problem(
                        path,
                        number,
                        f"contrast side '{side}' appears twice",
                        "Keep one of each side.",
                    )
                )
            current.sides.setdefault(side, [])
            continue
        _destination(items, current, side).append((number, text))
    if current is not None:
        problems.append(
            Problem(
                path,
                current.line,
                f"block '{current.kind}' is never closed",
                "Add a line with ':::' where the block ends.",
            )
        )
        items.append(current)
    return items, problems


def _text(lines: list[tuple[int, str]]) -> str:
    return "\n".join(text for _, text in lines).strip()


def _render_fragment(source: str, resolver: LinkResolver) -> str:
    return sanitize_html(_markdown(resolver, with_toc=False).convert(source))


def _check_blocks(items, path: str) -> list[Problem]:
    problems = []
    for item in items:
        if not isinstance(item, Block):
            continue
        if item.kind == "reflection":
            key = item.attrs.get("id", "")
            if not key:
                problems.append(
                    Problem(
                        path,
                        item.line,
                        "reflection prompt has no id",
                        "Write '::: reflection id=a-stable-name'.",
                    )
                )
            elif not PROMPT_ID_RE.match(key):
                problems.append(
                    Problem(
                        path,
                        item.line,
                        f"prompt id '{key}' is not valid",
                        "Use lowercase letters, digits and hyphens.",
                    )
                )
            if not _text(item.lines):
                problems.append(
                    Problem(
                        path,
                        item.line,
                        "reflection prompt has no text",
                        "Write the question under the opening line.",
                    )
                )
        elif item.kind == "contrast":
            if not item.title:
                problems.append(
                    Problem(
                        path,
                        item.line,
                        "contrast block has no title",
                        "Write '::: contrast A short title'.",
                    )
                )
            if item.lines and _text(item.lines):
                problems.append(
                    Problem(
                        path,
                        item.line,
                        "text before the first contrast side",
                        "Start the block with ':: codependence'.",
                    )
                )
            for side in CONTRAST_SIDES:
                if side not in item.sides:
                    problems.append(
                        Problem(
                            path,
                            item.line,
                            f"contrast block has no {side} side",
                            f"Add ':: {side}' and its text.",
                        )
                    )
                elif not _text(item.sides[side]):
                    problems.append(
                        Problem(
                            path,
                            item.line,
                            f"the {side} side is empty",
                            "Write how this lens sees the idea.",
                        )
                    )
        elif item.kind in CALLOUT_TYPES and not _text(item.lines):
            problems.append(
                Problem(
                    path,
                    item.line,
                    f"'{item.kind}' block is empty",
                    "Write its text, or remove the block.",
                )
            )
    return problems


def _check_language(
    meta_lines: dict[str, tuple[int, str]], items, path: str, vocabulary: Vocabulary
) -> list[Problem]:
    """Terms from the term list, in any inflected form, outside the codependence side of a
    contrast block and outside quotation marks and code."""
    if not vocabulary.terms:
        return []
    lines: list[tuple[int, str]] = list(meta_lines.values())
    for item in items:
        if isinstance(item, Block):
            lines.append((item.line, item.title))
            lines.extend(item.lines)
            lines.extend(item.sides.get("prodependence", []))
        else:
            lines.append(item)
    problems = []
    for number, text in lines:
        # A term in quotation marks or code is being discussed, not applied to anyone.
        visible = re.sub(r'"[^"\n]*"|“[^”\n]*”|`[^`\n]*`', " ", text)
        for match in vocabulary.find(visible):
            form = "" if match.found.lower() == match.term else f" (a form of '{match.term}')"
            problems.append(
                Problem(
                    path,
                    number,
                    f"blaming or pathologising language: '{match.found}'{form}",
                    f"Try: {vocabulary.terms[match.term]}. Quote the term if you are discussing "
                    "it, or move it to the codependence side of a contrast block.",
                )
            )
    return problems


def _front_matter_lines(text: str, meta: dict, first_line: int) -> dict[str, tuple[int, str]]:
    """The title and summary with the line each starts on, for the language check."""
    found = {}
    for number, line in enumerate(text.split("\n")[: first_line - 1], 1):
        key = line.split(":", 1)[0].strip()
        if key in ("title", "summary") and isinstance(meta.get(key), str):
            found.setdefault(key, (number, meta[key]))
    return found


def _block_html(block: Block, resolver: LinkResolver, prompts: list[PromptSpec]) -> str:
    title = html.escape(block.title)
    if block.kind == "contrast":
        heading_id = f"contrast-{block.line}"
        sides = []
        for side in CONTRAST_SIDES:
            inner = _render_fragment(_text(block.sides.get(side, [])), resolver)
            sides.append(
                f'<div class="contrast__side contrast__side--{side}">'
                f"<h4>{SIDE_LABELS[side]}</h4>{inner}</div>"
            )
        return (
            f'<section class="contrast" aria-labelledby="{heading_id}">'
            f'<h3 class="contrast__title" id="{heading_id}">{title}</h3>'
            f'<div class="contrast__sides">{"".join(sides)}</div></section>'
        )
    if block.kind == "reflection":
        key = block.attrs.get("id", "")
        source = _text(block.lines)
        inner = _render_fragment(source, resolver)
        prompts.append(
            PromptSpec(key=key, text=source, html=inner, position=len(prompts) + 1, line=block.line)
        )
        # An invalid id is reported by the checks and refused by sync, but the preview still
        # renders the file: the id goes into attributes escaped, and into no answer slot.
        anchor = html.escape(f"reflection-{key}")
        slot = f"<!--prodep:answer:{key}-->" if PROMPT_ID_RE.match(key) else ""
        return (
            f'<section class="reflection" id="{anchor}" aria-labelledby="{anchor}-label">'
            f'<p class="reflection__label" id="{anchor}-label">Reflection</p>'
            f'<div class="reflection__prompt">{inner}</div>{slot}</section>'
        )
    label = html.escape(block.title) if block.title else CALLOUT_TYPES.get(block.kind, "Note")
    inner = _render_fragment(_text(block.lines), resolver)
    role = ' role="note"' if block.kind != "safety" else ""
    return (
        f'<aside class="callout callout--{block.kind}"{role}>'
        f'<p class="callout__title">{label}</p>{inner}</aside>'
    )


def _toc_entries(tokens: list[dict]) -> list[dict]:
    return [
        {
            "id": token["id"],
            "title": html.unescape(_TAG_RE.sub("", token["name"])),
            "children": _toc_entries(token.get("children", [])),
        }
        for token in tokens
    ]


def count_words(html_text: str) -> int:
    return len(_WORD_RE.findall(html.unescape(_TAG_RE.sub(" ", html_text))))


def render_document(
    text: str,
    path: str,
    *,
    url_for_path: dict[str, str],
    vocabulary: Vocabulary,
) -> Rendered:
    """Render one content file (front matter + Markdown + blocks) to sanitised HTML."""
    meta, body, first_line, problems = split_front_matter(text, path)
    rendered = Rendered(meta=meta, problems=problems)
    if problems:
        return rendered
    rendered.problems += validate_meta(meta, path)
    rendered.problems += _check_former_slugs(meta, text, path)
    items, block_problems = parse_blocks(body, first_line, path)
    rendered.problems += block_problems
    rendered.problems += _check_blocks(items, path)
    meta_lines = _front_matter_lines(text, meta, first_line)
    rendered.problems += _check_language(meta_lines, items, path, vocabulary)

    resolver = LinkResolver(path, url_for_path)
    token = secrets.token_hex(8)
    placeholders: dict[str, str] = {}
    document_lines: list[str] = []
    for item in items:
        if isinstance(item, Block):
            name = f"PRODEPBLOCK{token}N{len(placeholders)}"
            if item.kind in BLOCK_TYPES:
                placeholders[name] = _block_html(item, resolver, rendered.prompts)
            rendered.contrast_count += item.kind == "contrast"
            document_lines += ["", name, ""]
        else:
            document_lines.append(item[1])
    md = _markdown(resolver, with_toc=True)
    page = sanitize_html(md.convert("\n".join(document_lines)))
    for name, block_html in placeholders.items():
        page = page.replace(f"<p>{name}</p>", block_html)
    rendered.html = page
    rendered.toc = _toc_entries(getattr(md, "toc_tokens", []))

    seen: dict[str, int] = {}
    for prompt in rendered.prompts:
        if prompt.key in seen:
            rendered.problems.append(
                Problem(
                    path,
                    prompt.line,
                    f"prompt id '{prompt.key}' is used twice in this file",
                    f"It is also used on line {seen[prompt.key]}; give each prompt its own id.",
                )
            )
        seen.setdefault(prompt.key, prompt.line)
    for href in resolver.broken:
        rendered.problems.append(
            Problem(
                path,
                _line_of(text, href),
                f"broken link to '{href}'",
                "Link to an existing lesson file with a relative path, e.g. ../01-module/02-x.md.",
            )
        )
    for src in resolver.images_without_alt:
        rendered.problems.append(
            Problem(
                path,
                _line_of(text, src),
                f"image '{src}' has no alt text",
                "Describe the image: ![what it shows](path).",
            )
        )
    rendered.problems.sort(key=lambda problem: problem.line)  # in the order an author reads
    rendered.links = sorted(set(resolver.targets))
    rendered.problems += _check_couples_therapy_caveat(items, rendered.links, path)
    rendered.word_count = count_words(page)
    minutes = meta.get("minutes")
    rendered.minutes = (
        minutes
        if isinstance(minutes, int) and minutes > 0
        else max(1, math.ceil(rendered.word_count / WORDS_PER_MINUTE))
    )
    return rendered


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.split("\n"), 1):
        if needle and needle in line:
            return number
    return 1


def render_references(references: list[str]) -> list[str]:
    """References are short inline Markdown (italics for titles): render each safely."""
    resolver = LinkResolver("", {})
    out = []
    for reference in references:
        rendered = _render_fragment(reference, resolver)
        out.append(re.sub(r"^<p>(.*)</p>$", r"\1", rendered.strip(), flags=re.S))
    return out
