"""What therapists and their clients see: the roster, a client's progress, assignment statuses,
groups' progress and sharing. Reads only: what changes data is in ``actions``, and every look a
therapist takes at a client's data goes through ``access``, which logs it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from lessons import outline
from lessons.models import Lesson, Module, Progress
from prodep.journal.models import Reflection

from . import pictures
from .models import (
    Assignment,
    CareLink,
    ClientGroup,
    Invitation,
    Share,
    TherapistProfile,
    hash_token,
)

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison
    from django.contrib.auth.models import AnonymousUser

    from prodep.accounts.models import User

DUE_SOON_DAYS = 3


# Therapist accounts ---------------------------------------------------------------------------


def therapist_profile(user: User | AnonymousUser) -> TherapistProfile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.therapist_profile
    except TherapistProfile.DoesNotExist:
        return None


def is_approved_therapist(user: User | AnonymousUser) -> bool:
    """No query: the therapist profile is loaded with the user (prodep.accounts.backends)."""
    profile = therapist_profile(user)
    return profile is not None and profile.is_approved


def home_url(user: User | AnonymousUser) -> str:
    """Where a person's "home" is: an approved therapist's is their client list, everyone
    else's the reading dashboard."""
    if is_approved_therapist(user):
        return reverse("clinic:roster")
    return reverse("dashboard")


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("therapist").filter(token_hash=hash_token(token)).first()
    )


# Assignments and progress ---------------------------------------------------------------------


@dataclass
class AssignmentStatus:
    assignment: Assignment
    done: int
    total: int
    today: date = field(default_factory=timezone.localdate)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done >= self.total

    @property
    def overdue(self) -> bool:
        due = self.assignment.due_date
        return bool(due and not self.complete and due < self.today)

    @property
    def due_soon(self) -> bool:
        due, today = self.assignment.due_date, self.today
        return bool(due and not self.complete and today <= due <= today + timedelta(DUE_SOON_DAYS))


def _completed(user_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each user, the ids of the lessons they have completed."""
    done: dict[int, set[int]] = defaultdict(set)
    rows = Progress.objects.filter(user_id__in=user_ids, completed_at__isnull=False).values_list(
        "user_id", "lesson_id"
    )
    for user_id, lesson_id in rows:
        done[user_id].add(lesson_id)
    return done


def _attach_targets(assignments: list[Assignment], links: dict[int, CareLink]) -> None:
    """Give each assignment its link and its module or lesson without a join: the outline has
    every live one (a target no longer live is loaded on use, as before)."""
    course = outline.current()
    for assignment in assignments:
        assignment.link = links[assignment.link_id]
        module_id, lesson_id = assignment.module_id, assignment.lesson_id
        if module_id is not None and (module := course.modules_by_id.get(module_id)):
            assignment.module = module
        if lesson_id is not None and (lesson := course.lessons_by_id.get(lesson_id)):
            assignment.lesson = lesson


def assignment_statuses(
    assignments: list[Assignment], done: dict[int, set[int]] | None = None
) -> list[AssignmentStatus]:
    """Progress on each assignment, in one query whatever the number of assignments.

    ``done``: each client's completed lesson ids (as ``_completed``), if the caller has them.
    """
    if not assignments:  # most readers have no therapist: no query for them
        return []
    course = outline.current()
    if done is None:
        done = _completed({a.link.client_id for a in assignments})
    lessons_done = {  # live lessons only, as the totals
        user_id: {i for i in ids if i in course.lessons_by_id} for user_id, ids in done.items()
    }
    per_module = {
        user_id: Counter(course.lessons_by_id[i].module_id for i in ids)
        for user_id, ids in lessons_done.items()
    }
    counts = course.published_counts
    today = timezone.localdate()
    statuses = []
    for a in assignments:
        client_id = a.link.client_id
        if a.module_id:
            n = per_module.get(client_id, Counter())[a.module_id]
            statuses.append(AssignmentStatus(a, n, counts.get(a.module_id, 0), today))
        else:
            n = int(a.lesson_id in lessons_done.get(client_id, ()))
            statuses.append(AssignmentStatus(a, n, 1, today))
    return statuses


def assignments_for_link(link: CareLink) -> list[Assignment]:
    assignments = list(link.assignments.all())
    _attach_targets(assignments, {link.id: link})
    return assignments


def client_assignments(user: User, completed: set[int] | None = None) -> list[AssignmentStatus]:
    """What the reader's therapists assigned, for the dashboard.

    ``completed``: the ids of the lessons the reader finished, if the caller has them.
    """
    links = {
        link.id: link for link in CareLink.objects.for_client(user).select_related("therapist")
    }
    if not links:  # most readers have no therapist: one query for them
        return []
    assignments = list(Assignment.objects.filter(link__in=links))
    _attach_targets(assignments, links)
    return assignment_statuses(assignments, None if completed is None else {user.id: completed})


# Roster and client page -----------------------------------------------------------------------


@dataclass
class RosterRow:
    link: CareLink
    assignments: list[AssignmentStatus] = field(default_factory=list)
    last_activity: datetime | None = None
    reading: pictures.Chart | None = None  # lessons read per module

    # Read by the filter, the sort and twice by the template: counted once, after assembly.
    @cached_property
    def overdue(self) -> int:
        return sum(s.overdue for s in self.assignments)

    @cached_property
    def due_soon(self) -> int:
        return sum(s.due_soon for s in self.assignments)


ROSTER_SORTS: dict[str, Callable[[RosterRow], SupportsRichComparison]] = {
    "name": lambda row: row.link.client_alias.lower(),
    "activity": lambda row: -(row.last_activity.timestamp() if row.last_activity else 0),
    "due": lambda row: (-row.overdue, -row.due_soon, row.link.client_alias.lower()),
}
ROSTER_FILTERS: dict[str, Callable[[RosterRow], bool]] = {
    "all": lambda row: True,
    "overdue": lambda row: row.overdue > 0,
    "due-soon": lambda row: row.due_soon > 0,
}


def _reading_by_client(client_ids: list[int]) -> tuple[dict[int, set[int]], dict[int, datetime]]:
    """Each client's completed lesson ids, and when they last opened a lesson.

    Two queries rather than one: the latest opening is taken by the database, so a roster of
    fifty clients converts fifty dates, not the two of every lesson each client started.
    """
    done: dict[int, set[int]] = defaultdict(set)
    read = Progress.objects.filter(user_id__in=client_ids, completed_at__isnull=False)
    for user_id, lesson_id in read.values_list("user_id", "lesson_id"):
        done[user_id].add(lesson_id)
    opened = (
        Progress.objects.filter(user_id__in=client_ids, last_opened_at__isnull=False)
        .values("user_id")
        .annotate(last=Max("last_opened_at"))
        .values_list("user_id", "last")
    )
    return done, dict(opened)


def roster(
    therapist: TherapistProfile, sort: str = "name", show: str = "all", query: str = ""
) -> list[RosterRow]:
    """The therapist's active clients with progress, a picture of it per module, and deadlines,
    in a fixed number of queries whatever the number of clients."""
    links = list(CareLink.objects.for_therapist(therapist).order_by("client_alias"))
    if query:
        links = [link for link in links if query.lower() in link.client_alias.lower()]
    rows = {link.id: RosterRow(link) for link in links}
    done, activity = _reading_by_client([link.client_id for link in links])
    assignments = list(Assignment.objects.filter(link__in=links))
    _attach_targets(assignments, {link.id: link for link in links})
    for status in assignment_statuses(assignments, done):
        rows[status.assignment.link_id].assignments.append(status)
    course = outline.current()
    for row in rows.values():
        row.reading = pictures.module_bars(course, done.get(row.link.client_id, set()))
        row.last_activity = activity.get(row.link.client_id)
    result = [row for row in rows.values() if ROSTER_FILTERS.get(show, ROSTER_FILTERS["all"])(row)]
    return sorted(result, key=ROSTER_SORTS.get(sort, ROSTER_SORTS["name"]))


@dataclass
class ModuleProgress:
    module: Module
    total: int
    completions: list[tuple[Lesson, datetime]]

    @property
    def done(self) -> int:
        return len(self.completions)


def client_progress(client_id: int) -> list[ModuleProgress]:
    """Per module: how many lessons are read, and when each was completed. One query."""
    course = outline.current()
    counts = course.published_counts
    by_module: dict[int, list[tuple[Lesson, datetime]]] = defaultdict(list)
    rows = (
        Progress.objects.filter(user_id=client_id, completed_at__isnull=False)
        .order_by("completed_at")
        .values_list("lesson_id", "completed_at")
    )
    for lesson_id, completed_at in rows:
        lesson = course.lessons_by_id.get(lesson_id)
        if lesson and lesson.is_published and completed_at:  # never None here: the filter
            by_module[lesson.module_id].append((lesson, completed_at))
    return [
        ModuleProgress(m, counts.get(m.id, 0), by_module[m.id])
        for m in course.modules
        if counts.get(m.id)
    ]


def shared_reflections(link: CareLink) -> list[Share]:
    """What the client shared on this link, newest first (through ``visible_to_therapist``)."""
    return list(
        Share.objects.visible_to_therapist(link.therapist)
        .filter(link=link)
        .select_related("reflection__prompt__lesson")
        .defer(*Lesson.body_fields("reflection__prompt__lesson__"), "reflection__prompt__html")
        .order_by("-shared_at")
    )


# Groups -----------------------------------------------------------------------------------------


def group_links(group: ClientGroup) -> list[CareLink]:
    """The group's members whose link is active, by name."""
    return list(CareLink.objects.active().filter(memberships__group=group).order_by("client_alias"))


Target = Module | Lesson | None  # Assignment.target
TargetKey = tuple[int | None, int | None]  # (module id, lesson id)


@dataclass
class GroupTable:
    """The group's progress: a row per member, a column per module or lesson given to the
    group, each cell (the column's target, that member's own assignment or None)."""

    targets: list[Target]
    rows: list[tuple[CareLink, list[tuple[Target, AssignmentStatus | None]]]]


def group_progress(group: ClientGroup, links: list[CareLink]) -> GroupTable:
    """In two queries whatever the number of members: their group assignments, and their
    completed lessons."""
    assignments = list(
        Assignment.objects.filter(group=group, link__in=links).order_by("created_at")
    )
    _attach_targets(assignments, {link.id: link for link in links})
    statuses = assignment_statuses(assignments)
    targets: dict[TargetKey, Target] = {}
    cells: dict[tuple[int, TargetKey], AssignmentStatus] = {}
    for status in statuses:  # oldest first: a later assignment of the same target wins
        a = status.assignment
        key = (a.module_id, a.lesson_id)
        targets.setdefault(key, a.target)
        cells[(a.link_id, key)] = status
    rows = [
        (link, [(target, cells.get((link.id, key))) for key, target in targets.items()])
        for link in links
    ]
    return GroupTable(list(targets.values()), rows)


# Sharing ----------------------------------------------------------------------------------------


def sharing_options(
    user: User, reflections: list[Reflection]
) -> tuple[list[CareLink], dict[int, dict[int, datetime]]]:
    """The links the user may share on, and for each reflection when it was shared on which
    link: ``{reflection id: {link id: shared_at}}``."""
    links = list(CareLink.objects.shareable_by(user).select_related("therapist"))
    shared: dict[int, dict[int, datetime]] = defaultdict(dict)
    if links:
        for reflection_id, link_id, shared_at in Share.objects.filter(
            reflection__in=reflections, link__in=links
        ).values_list("reflection_id", "link_id", "shared_at"):
            shared[reflection_id][link_id] = shared_at
    return links, shared


def shared_count(user: User) -> int:
    """How many of the user's answers an active link can read."""
    return (
        Reflection.objects.for_owner(user)
        .filter(shares__link__in=CareLink.objects.for_client(user))
        .distinct()
        .count()
    )
