"""Turn one content file into sanitised HTML, with its problems.

``parsing`` reads the front matter and splits the body into Markdown and blocks;
``validation`` says what is wrong with them. Each block's inner Markdown is rendered and
sanitised on its own, then wrapped in markup generated here, so no author text can forge the
wrapper or the answer slot that the reading page fills in.

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
from typing import Any
from urllib.parse import urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from . import validation
from .language import Vocabulary
from .parsing import (
    BLOCK_TYPES,
    CALLOUT_TYPES,
    CONTRAST_SIDES,
    PROMPT_ID_RE,
    Block,
    Line,
    Problem,
    parse_blocks,
    split_front_matter,
    text_of,
)
from .sanitize import sanitize_html

RENDERER_VERSION = "4"
WORDS_PER_MINUTE = 200
SIDE_LABELS = {"codependence": "The codependence lens", "prodependence": "The prodependence lens"}
ANSWER_SLOT_RE = re.compile(r"<!--prodep:answer:([a-z0-9-]+)-->")
_TAG_RE = re.compile(r"<[^>]+>")
_WORD_RE = re.compile(r"[\w'’-]+")


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


class _Converter(markdown.Markdown):
    """A Markdown converter that carries the resolver of the document it is converting."""

    resolver: LinkResolver


class _LinkTreeprocessor(Treeprocessor):
    """Rewrites links through ``md.resolver``, the document being converted."""

    md: _Converter

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


def _markdown(resolver: LinkResolver, with_toc: bool) -> _Converter:
    """A reset converter for this document. Building one (its extensions) costs more than
    converting a lesson, so each thread keeps one with and one without a table of contents."""
    name = "toc" if with_toc else "plain"
    md = getattr(_converters, name, None)
    if md is None:
        extensions: list[str | Extension] = [
            "tables",
            "attr_list",
            "footnotes",
            "sane_lists",
            "def_list",
            "abbr",
        ]
        extensions.append("fenced_code")  # ``` and ~~~ code, as the authoring guide shows
        extensions.append(_LinkExtension())
        configs: dict[str, dict[str, Any]] = {"tables": {"use_align_attribute": True}}
        if with_toc:
            extensions.append("toc")
            configs["toc"] = {"toc_depth": "2-3"}
        md = _Converter(extensions=extensions, extension_configs=configs, output_format="html")
        setattr(_converters, name, md)
    md.reset()
    md.resolver = resolver
    return md


def _render_fragment(source: str, resolver: LinkResolver) -> str:
    return sanitize_html(_markdown(resolver, with_toc=False).convert(source))


def _block_html(block: Block, resolver: LinkResolver, prompts: list[PromptSpec]) -> str:
    title = html.escape(block.title)
    if block.kind == "contrast":
        heading_id = f"contrast-{block.line}"
        sides = []
        for side in CONTRAST_SIDES:
            inner = _render_fragment(text_of(block.sides.get(side, [])), resolver)
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
        source = text_of(block.lines)
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
    inner = _render_fragment(text_of(block.lines), resolver)
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
    items, block_problems = parse_blocks(body, first_line, path)
    rendered.problems += (
        validation.validate_meta(meta, path)
        + validation.check_former_slugs(meta, text, path)
        + block_problems
        + validation.check_blocks(items, path)
        + validation.check_language(
            validation.front_matter_lines(text, meta, first_line), items, path, vocabulary
        )
    )
    resolver = LinkResolver(path, url_for_path)
    rendered.html, rendered.toc = _page_html(items, resolver, rendered)
    rendered.problems += validation.prompts_used_twice(
        [(prompt.key, prompt.line) for prompt in rendered.prompts], path
    ) + validation.link_problems(text, resolver.broken, resolver.images_without_alt, path)
    rendered.problems.sort(key=lambda problem: problem.line)  # in the order an author reads
    rendered.links = sorted(set(resolver.targets))
    rendered.problems += validation.check_couples_therapy_caveat(items, rendered.links, path)
    rendered.word_count = count_words(rendered.html)
    minutes = meta.get("minutes")
    rendered.minutes = (
        minutes
        if isinstance(minutes, int) and minutes > 0
        else max(1, math.ceil(rendered.word_count / WORDS_PER_MINUTE))
    )
    return rendered


def _page_html(
    items: list[Line | Block], resolver: LinkResolver, rendered: Rendered
) -> tuple[str, list[dict]]:
    """(HTML, table of contents) of the page; each block's prompts and contrasts are counted
    into ``rendered``. Blocks are rendered apart and put in place of a placeholder paragraph."""
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
    return page, _toc_entries(getattr(md, "toc_tokens", []))


def render_references(references: list[str]) -> list[str]:
    """References are short inline Markdown (italics for titles): render each safely."""
    resolver = LinkResolver("", {})
    out = []
    for reference in references:
        rendered = _render_fragment(reference, resolver)
        out.append(re.sub(r"^<p>(.*)</p>$", r"\1", rendered.strip(), flags=re.S))
    return out
