"""Reading one content file's structure: its front matter, and its body as Markdown lines and
blocks. What is wrong with what was read is judged in ``validation``; HTML is ``rendering``'s.

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
codependence side).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

CALLOUT_TYPES = {"note": "Note", "safety": "Your safety", "try-this": "Try this"}
BLOCK_TYPES = {"contrast", "reflection", *CALLOUT_TYPES}
CONTRAST_SIDES = ("codependence", "prodependence")
PROMPT_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_RE = PROMPT_ID_RE  # lesson slugs and former slugs: lowercase words joined by hyphens
_BLOCK_OPEN_RE = re.compile(r"^:::\s*([A-Za-z][\w-]*)\s*(.*?)\s*$")
_SIDE_RE = re.compile(r"^::\s+([A-Za-z][\w-]*)\s*$")
_FENCE_RE = re.compile(r"^(```|~~~)")
_ATTR_RE = re.compile(r'(\w+)=("[^"]*"|\S+)')

Line = tuple[int, str]  # (file line number, text)


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
    lines: list[Line] = field(default_factory=list)
    sides: dict[str, list[Line]] = field(default_factory=dict)


def text_of(lines: list[Line]) -> str:
    return "\n".join(text for _, text in lines).strip()


def all_lines(items: list[Line | Block]) -> list[Line]:
    """Every body line with its file line number, inside blocks too, in file order."""
    lines: list[Line] = []
    for item in items:
        if isinstance(item, Block):
            lines.append((item.line, item.title))
            lines.extend(item.lines)
            for side in item.sides.values():
                lines.extend(side)
        else:
            lines.append(item)
    return sorted(lines)


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
                return {}, body, index + 2, [_yaml_problem(exc, path)]
            if not isinstance(meta, dict):
                return {}, body, index + 2, [Problem(path, 2, "invalid front matter", hint)]
            return meta, body, index + 2, []
    return {}, text, 1, [Problem(path, 1, "front matter is not closed", hint)]


def _yaml_problem(exc: yaml.YAMLError, path: str) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 2 if mark else 1
    problem = getattr(exc, "problem", None) or "could not be read"
    return Problem(
        path, line, f"invalid front matter: {problem}", "Quote values that contain a colon."
    )


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


def parse_blocks(body: str, first_line: int, path: str) -> tuple[list[Line | Block], list[Problem]]:
    """Split the body into Markdown lines and blocks. Returns (items, problems).

    ``items`` holds ``(line_number, text)`` tuples for plain Markdown and ``Block`` objects.
    """
    parser = _BlockParser(path)
    for offset, text in enumerate(body.split("\n")):
        parser.feed(first_line + offset, text)
    return parser.finish()


class _BlockParser:
    """One pass over a body, line by line: each line is code, a block's opening, closing or
    contrast side, or Markdown that goes where the parser stands."""

    def __init__(self, path: str):
        self.path = path
        self.items: list[Line | Block] = []
        self.problems: list[Problem] = []
        self.current: Block | None = None
        self.side: str | None = None
        self.in_fence = False

    def feed(self, number: int, text: str) -> None:
        stripped = text.strip()
        is_fence = bool(_FENCE_RE.match(stripped))
        self.in_fence ^= is_fence
        # Code is never parsed for blocks; it belongs to whatever encloses it.
        if is_fence or self.in_fence or not self._markup(number, stripped):
            self._destination().append((number, text))

    def finish(self) -> tuple[list[Line | Block], list[Problem]]:
        if self.current is not None:
            self._report(
                self.current.line,
                f"block '{self.current.kind}' is never closed",
                "Add a line with ':::' where the block ends.",
            )
            self.items.append(self.current)
        return self.items, self.problems

    def _markup(self, number: int, stripped: str) -> bool:
        """Handle a block's closing, opening or contrast side; False for any other line."""
        if stripped == ":::":
            self._close(number)
            return True
        opening = _BLOCK_OPEN_RE.match(stripped)
        if opening:
            self._open(number, opening.group(1).lower(), opening.group(2))
            return True
        side = _SIDE_RE.match(stripped)
        if side and self.current is not None and self.current.kind == "contrast":
            self._side(self.current, number, side.group(1).lower())
            return True
        return False

    def _close(self, number: int) -> None:
        if self.current is None:
            self._report(number, "':::' closes no block", "Remove it.")
            return
        self.items.append(self.current)
        self.current, self.side = None, None

    def _open(self, number: int, kind: str, rest: str) -> None:
        if self.current is not None:
            self._report(
                number,
                f"'::: {kind}' opens inside the block from line {self.current.line}",
                "Close the first block with ':::' before opening another.",
            )
            self.items.append(self.current)
        self.current, self.side = Block(kind=kind, line=number), None
        if kind not in BLOCK_TYPES:
            hint = "Use one of: " + ", ".join(sorted(BLOCK_TYPES)) + "."
            self._report(number, f"unknown block '{kind}'", hint)
        if kind == "reflection":
            self.current.attrs = {k: v.strip('"') for k, v in _ATTR_RE.findall(rest)}
        else:
            self.current.title = rest.strip().strip('"')

    def _side(self, block: Block, number: int, side: str) -> None:
        self.side = side
        if side not in CONTRAST_SIDES:
            hint = "Use ':: codependence' and ':: prodependence'."
            self._report(number, f"unknown contrast side '{side}'", hint)
        elif side in block.sides:
            self._report(number, f"contrast side '{side}' appears twice", "Keep one of each side.")
        block.sides.setdefault(side, [])

    def _destination(self) -> list:
        """Where the next line goes: the document, the open block, or one side of a contrast."""
        if self.current is None:
            return self.items
        if self.current.kind == "contrast" and self.side:
            return self.current.sides.setdefault(self.side, [])
        return self.current.lines

    def _report(self, line: int, message: str, hint: str) -> None:
        self.problems.append(Problem(self.path, line, message, hint))
