"""Helpers for authors working on content/."""

import re
from pathlib import Path

from django.utils.text import slugify

LESSON_TEMPLATE = """---
title: {title}
summary: One sentence saying what the reader will take away.
status: draft
references:
  - "Weiss, R. (2018). *Prodependence: Moving Beyond Codependency*. Health Communications."
---
Open with a short paragraph that meets the reader where they are.

## A section heading

Write in plain, warm language, in the second person.

::: contrast {title}
:: codependence
How the codependence model would describe this, stated fairly.
:: prodependence
How prodependence sees the same thing.
:::

::: reflection id={prompt_id}
A question the reader can answer privately.
:::

::: note
Something worth knowing.
:::

::: try-this A small exercise
An optional exercise that takes a few minutes.
:::

::: safety
If you are in danger or thinking of harming yourself, see the
[crisis and safety page](../crisis.md).
:::

## Key ideas

- The first idea to remember.
- The second idea to remember.
"""


def create_lesson_file(root: Path, module: str, title: str) -> Path:
    """Create the next numbered lesson file in ``module``; never overwrite an existing one."""
    title = title.strip()
    slug = slugify(title)
    if not slug:
        raise ValueError("The title needs at least one letter or digit.")
    folder = _module_folder(root, module)
    target = folder / f"{_next_number(folder):02d}-{slug}.md"
    if target.exists():  # pragma: no cover - race: another author wrote that file just now
        raise ValueError(f"{target} already exists.")
    prompt_id = f"{folder.name.split('-', 1)[0]}-{slug}"[:100]
    target.write_text(LESSON_TEMPLATE.format(title=title, prompt_id=prompt_id), encoding="utf-8")
    return target


def _module_folder(root: Path, module: str) -> Path:
    """The module's folder, named in full (``01-slug``) or by its slug alone."""
    folders = [p for p in root.iterdir() if p.is_dir() and re.match(r"^\d+-", p.name)]
    folder = next(
        (p for p in folders if p.name == module or p.name.split("-", 1)[1] == module), None
    )
    if folder is None:
        names = ", ".join(sorted(p.name for p in folders))
        raise ValueError(f"No module folder '{module}'. Known modules: {names}")
    return folder


def _next_number(folder: Path) -> int:
    numbers = [int(m.group(1)) for p in folder.glob("*.md") if (m := re.match(r"^(\d+)-", p.name))]
    return max(numbers, default=0) + 1
