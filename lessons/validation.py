"""What is wrong with one content file, as ``Problem``s with the line to fix: its front matter,
its blocks, its language, its links and prompts. Course-wide checks (slugs and prompt ids
unique across files) are ``content``'s; reading the file is ``parsing``'s."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import NamedTuple

from .language import Vocabulary
from .parsing import (
    CALLOUT_TYPES,
    CONTRAST_SIDES,
    PROMPT_ID_RE,
    SLUG_RE,
    Block,
    Line,
    Problem,
    all_lines,
    front_matter_line,
    text_of,
)

FRONT_MATTER_FIELDS = {"title", "summary", "status", "minutes", "references", "former_slugs"}


def validate_meta(meta: dict, path: str) -> list[Problem]:
    problems = [
        Problem(path, 2, f"front matter needs a '{key}'", f"Add a line '{key}: ...'.")
        for key in ("title", "summary")
        if not isinstance(meta.get(key), str) or not meta[key].strip()
    ]
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
    problems += [
        Problem(path, 2, f"unknown front matter field '{key}'", "Remove or rename it.")
        for key in sorted(set(meta) - FRONT_MATTER_FIELDS)
    ]
    return problems


def check_former_slugs(meta: dict, text: str, path: str) -> list[Problem]:
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


class BlockRule(NamedTuple):
    """A block is wrong when ``broken(block)``; ``message`` may name {kind} and {id}."""

    broken: Callable[[Block], bool]
    message: str
    hint: str


def _side_rules(side: str) -> list[BlockRule]:
    return [
        BlockRule(
            lambda b: side not in b.sides,
            f"contrast block has no {side} side",
            f"Add ':: {side}' and its text.",
        ),
        BlockRule(
            lambda b: side in b.sides and not text_of(b.sides[side]),
            f"the {side} side is empty",
            "Write how this lens sees the idea.",
        ),
    ]


_EMPTY_CALLOUT = BlockRule(
    lambda b: not text_of(b.lines),
    "'{kind}' block is empty",
    "Write its text, or remove the block.",
)

# What each kind of block needs, in the order the problems are reported.
BLOCK_RULES: dict[str, list[BlockRule]] = {
    "reflection": [
        BlockRule(
            lambda b: not b.attrs.get("id"),
            "reflection prompt has no id",
            "Write '::: reflection id=a-stable-name'.",
        ),
        BlockRule(
            lambda b: bool(b.attrs.get("id")) and not PROMPT_ID_RE.match(b.attrs["id"]),
            "prompt id '{id}' is not valid",
            "Use lowercase letters, digits and hyphens.",
        ),
        BlockRule(
            lambda b: not text_of(b.lines),
            "reflection prompt has no text",
            "Write the question under the opening line.",
        ),
    ],
    "contrast": [
        BlockRule(
            lambda b: not b.title,
            "contrast block has no title",
            "Write '::: contrast A short title'.",
        ),
        BlockRule(
            lambda b: bool(text_of(b.lines)),
            "text before the first contrast side",
            "Start the block with ':: codependence'.",
        ),
        *(rule for side in CONTRAST_SIDES for rule in _side_rules(side)),
    ],
    **{kind: [_EMPTY_CALLOUT] for kind in CALLOUT_TYPES},
}


def check_blocks(items: list[Line | Block], path: str) -> list[Problem]:
    """Each block against its kind's rules (an unknown kind was reported by the parser)."""
    return [
        Problem(
            path,
            block.line,
            rule.message.format(kind=block.kind, id=block.attrs.get("id", "")),
            rule.hint,
        )
        for block in items
        if isinstance(block, Block)
        for rule in BLOCK_RULES.get(block.kind, [])
        if rule.broken(block)
    ]


def check_language(
    meta_lines: dict[str, Line], items: list[Line | Block], path: str, vocabulary: Vocabulary
) -> list[Problem]:
    """Terms from the term list, in any inflected form, outside the codependence side of a
    contrast block and outside quotation marks and code."""
    if not vocabulary.terms:
        return []
    lines: list[Line] = list(meta_lines.values())
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


def front_matter_lines(text: str, meta: dict, first_line: int) -> dict[str, Line]:
    """The title and summary with the line each starts on, for the language check."""
    found: dict[str, Line] = {}
    for number, line in enumerate(text.split("\n")[: first_line - 1], 1):
        key = line.split(":", 1)[0].strip()
        if key in ("title", "summary") and isinstance(meta.get(key), str):
            found.setdefault(key, (number, meta[key]))
    return found


def prompts_used_twice(prompts: list[tuple[str, int]], path: str) -> list[Problem]:
    """``prompts`` holds (id, line) in file order: each id once in a file."""
    problems = []
    seen: dict[str, int] = {}
    for key, line in prompts:
        if key in seen:
            problems.append(
                Problem(
                    path,
                    line,
                    f"prompt id '{key}' is used twice in this file",
                    f"It is also used on line {seen[key]}; give each prompt its own id.",
                )
            )
        seen.setdefault(key, line)
    return problems


def link_problems(text: str, broken: list[str], without_alt: list[str], path: str):
    """Links to no content file, and images without alt text, at the line they are on."""
    return [
        Problem(
            path,
            _line_of(text, href),
            f"broken link to '{href}'",
            "Link to an existing lesson file with a relative path, e.g. ../01-module/02-x.md.",
        )
        for href in broken
    ] + [
        Problem(
            path,
            _line_of(text, src),
            f"image '{src}' has no alt text",
            "Describe the image: ![what it shows](path).",
        )
        for src in without_alt
    ]


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.split("\n"), 1):
        if needle and needle in line:
            return number
    return 1  # pragma: no cover - hrefs and srcs come from the text; a safe fallback


# Mentions that need the abuse caveat in the same file, and the pages that carry it.
COUPLES_THERAPY_RE = re.compile(
    r"\b(?:couples?(?:'s|’s|s'|s’)?|marriage)\s+"
    r"(?:therapy|therapists?|counsell?ing|counsell?ors?)\b",
    re.IGNORECASE,
)
ABUSE_CAVEAT_SLUGS = ("when-you-are-afraid-of-your-partner", "crisis")


def _slug_of(path: str) -> str:
    return re.sub(r"^\d+-", "", PurePosixPath(path).stem)


def check_couples_therapy_caveat(
    items: list[Line | Block], links: list[str], path: str
) -> list[Problem]:
    """Couples therapy is usually not advised where there is abuse or fear of the partner, so a
    file that mentions it must also link the lesson on being afraid of a partner (or the crisis
    page). A warning, with the line of the first mention."""
    if _slug_of(path) in ABUSE_CAVEAT_SLUGS or any(
        _slug_of(target) in ABUSE_CAVEAT_SLUGS for target in links
    ):
        return []
    for number, text in all_lines(items):
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
