"""Issue 14.10: a picture of progress. Per client on the roster, a small bar of lessons read per
module with the same in words; on the client page, lessons read per week for 8 weeks. Drawn
as inline SVG with classes, never a style attribute (the CSP allows the site's stylesheet only).
"""

import re
from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from lessons import outline
from lessons.models import Lesson, Progress
from prodep.clinic import pictures
from tests.factories import sign_in


def read(user, slug: str, when: datetime) -> None:
    Progress.objects.create(
        user=user,
        lesson=Lesson.objects.get(slug=slug),
        started_at=when,
        last_opened_at=when,
        completed_at=when,
    )


def test_module_bars_are_as_high_as_the_share_read(course):
    course_outline = outline.current()
    done = {Lesson.objects.get(slug="lesson-1").id, Lesson.objects.get(slug="lesson-2").id}
    chart = pictures.module_bars(course_outline, done)
    assert [(b.label, b.value, b.of) for b in chart.bars] == [("A module", 2, 3)]
    bar = chart.bars[0]
    assert bar.height == 16 and bar.y == 8  # two thirds of 24, drawn from the bottom
    assert chart.words == "A module: 2 of 3" and (chart.value, chart.of) == (2, 3)
    assert pictures.module_bars(course_outline, set()).bars[0].height == 0


def test_weekly_reading_counts_each_of_the_last_eight_weeks():
    today = date(2026, 12, 1)
    at = lambda days: timezone.make_aware(datetime(2026, 12, 1, 12) - timedelta(days=days))  # noqa: E731
    chart = pictures.weekly_reading([at(0), at(6), at(7), at(55), at(56), at(200)], today)
    assert [b.value for b in chart.bars] == [1, 0, 0, 0, 0, 0, 1, 2]
    assert chart.bars[-1].label == "Week from 25 Nov" and chart.bars[0].label == "Week from 7 Oct"
    assert chart.bars[-1].height == pictures.WEEK_HEIGHT  # the busiest week is full height
    assert chart.value == 4


def test_the_roster_draws_the_bars_and_says_them_in_words(client, therapist, client_a, care_link):
    now = timezone.now()
    read(client_a, "lesson-1", now - timedelta(days=2))
    sign_in(client, therapist.user)
    html = client.get(reverse("clinic:roster")).content.decode()
    svg = re.search(r'<svg class="spark__chart".*?</svg>', html, re.S).group(0)
    assert 'aria-hidden="true"' in svg and svg.count('class="spark__track"') == 1
    assert 'class="spark__bar"' in svg
    assert "1 of 3" in html and "Per module: A module: 1 of 3." in html
    assert "2 days ago" in html  # coarse last activity
    assert "style=" not in html


def test_the_client_page_shows_reading_per_week(client, therapist, client_a, care_link):
    now = timezone.now()
    read(client_a, "lesson-1", now)
    read(client_a, "lesson-2", now - timedelta(days=8))
    sign_in(client, therapist.user)
    html = client.get(reverse("clinic:client", args=[care_link.pk])).content.decode()
    assert "Lessons read per week" in html
    assert "2 lessons read in the last 8 weeks" in html
    assert len(re.findall(r'<rect class="week-chart__track"', html)) == 8
    hidden = re.search(r'<ul class="visually-hidden">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r": (\d) lesson", hidden) == ["0", "0", "0", "0", "0", "0", "1", "1"]
    assert "style=" not in html
