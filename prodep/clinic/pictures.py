"""Small pictures of progress, drawn as inline SVG with a text equivalent beside them.

Only geometry lives here: numbers in, rectangles out. The templates draw them with SVG
attributes and CSS classes (no inline styles: the CSP allows stylesheets from the site only),
and say the same in words for screen readers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from lessons.outline import Outline

BAR_WIDTH, BAR_GAP, SPARK_HEIGHT = 8, 3, 24
WEEKS, WEEK_BAR, WEEK_GAP, WEEK_HEIGHT = 8, 28, 10, 80


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    of: int  # the whole the value is part of (lessons in a module); 0 when there is none
    x: int
    y: int
    height: int
    width: int

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int
    height: int

    @property
    def value(self) -> int:
        return sum(bar.value for bar in self.bars)

    @property
    def of(self) -> int:
        return sum(bar.of for bar in self.bars)

    @property
    def words(self) -> str:
        return "; ".join(
            f"{b.label}: {b.value} of {b.of}" if b.of else f"{b.label}: {b.value}"
            for b in self.bars
        )


def module_bars(course: Outline, done: set[int]) -> Chart:
    """One small bar per module, as high as the share of its lessons read."""
    counts = course.published_counts
    read: dict[int, int] = {}
    for lesson in course.published:
        if lesson.id in done:
            read[lesson.module_id] = read.get(lesson.module_id, 0) + 1
    bars = []
    for n, module in enumerate(m for m in course.modules if counts.get(m.id)):
        value, total = read.get(module.id, 0), counts[module.id]
        height = max(1, round(SPARK_HEIGHT * value / total)) if value else 0
        x = n * (BAR_WIDTH + BAR_GAP)
        bars.append(Bar(module.title, value, total, x, SPARK_HEIGHT - height, height, BAR_WIDTH))
    width = max(0, len(bars) * (BAR_WIDTH + BAR_GAP) - BAR_GAP)
    return Chart(tuple(bars), width, SPARK_HEIGHT)


def weekly_reading(completed: Iterable[datetime], today: date) -> Chart:
    """Lessons read in each of the last ``WEEKS`` weeks (the last one ends today, in the active
    time zone), as bars scaled to the busiest week."""
    counts = [0] * WEEKS
    for when in completed:
        weeks_ago = (today - timezone.localtime(when).date()).days // 7
        if 0 <= weeks_ago < WEEKS:
            counts[WEEKS - 1 - weeks_ago] += 1
    top = max(counts) or 1
    bars = []
    for n, value in enumerate(counts):
        start = today - timedelta(days=7 * (WEEKS - 1 - n) + 6)
        height = round(WEEK_HEIGHT * value / top)
        label = f"Week from {start.day} {start:%b}"
        x = n * (WEEK_BAR + WEEK_GAP)
        bars.append(Bar(label, value, 0, x, WEEK_HEIGHT - height, height, WEEK_BAR))
    return Chart(tuple(bars), WEEKS * (WEEK_BAR + WEEK_GAP) - WEEK_GAP, WEEK_HEIGHT)
