"""What therapists and their clients can do, each rule in one place."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lessons import outline
from lessons.models import Lesson, Module, Progress
from prodep import mail
from prodep.journal.models import Reflection
from prodep.urlkit import absolute_url, url_for_pk

from . import pictures
from .models import (
    UNDO_DAYS,
    AccessLog,
    Assignment,
    CareLink,
    ClientGroup,
    GroupMembership,
    Invitation,
    Share,
    TherapistProfile,
    hash_token,
)

DUE_SOON_DAYS = 3


class ClinicError(ValueError):
    """A request that cannot be carried out; the message is safe to show."""


# Therapist accounts ---------------------------------------------------------------------------


def therapist_profile(user) -> TherapistProfile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.therapist_profile
    except TherapistProfile.DoesNotExist:
        return None


def is_approved_therapist(user) -> bool:
    """No query: the therapist profile is loaded with the user (prodep.accounts.backends)."""
    profile = therapist_profile(user)
    return profile is not None and profile.is_approved


def home_url(user) -> str:
    """Where a person's "home" is: an approved therapist's is their client list, everyone
    else's the reading dashboard."""
    if is_approved_therapist(user):
        return reverse("clinic:roster")
    return reverse("dashboard")


def decide_application(profile: TherapistProfile, approve: bool) -> None:
    profile.status = (
        TherapistProfile.Status.APPROVED if approve else TherapistProfile.Status.REJECTED
    )
    profile.decided_at = timezone.now()
    profile.save(update_fields=["status", "decided_at"])


# Invitations ------------------------------------------------------------------------------------


def invitation_url(token: str) -> str:
    return absolute_url(reverse("clinic:invitation", args=[token]))


def create_invitation(therapist: TherapistProfile, email: str = "", message: str = ""):
    """Issue a link; email it if an address was given. Returns (invitation, url).

    The link is issued even when the mail server is down: ``invitation.emailed`` then says
    False, and the therapist can copy the link or invite again.
    """
    invitation, token = Invitation.issue(therapist, email=email, message=message)
    url = invitation_url(token)
    invitation.emailed = False
    if email:
        name = therapist.display_name if therapist.name_in_invitations else ""
        body = render_to_string("clinic/email/invitation.txt", {"name": name, "url": url})
        # Neutral subject; no lesson or reflection content, and not the personal message,
        # which the invitee reads only after opening the link.
        invitation.emailed = mail.send("An invitation for you", body, email, what="invitation")
    return invitation, url


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("therapist").filter(token_hash=hash_token(token)).first()
    )


def accept_invitation(user, token: str, alias: str) -> CareLink:
    """Link the signed-in client to the inviting therapist; the invitation is then used up."""
    alias = alias.strip()
    if not alias:
        raise ClinicError("Please choose the name your therapist will see.")
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("therapist")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if invitation is None or invitation.state != Invitation.State.OPEN:
            raise ClinicError("This invitation can no longer be used.")
        if invitation.therapist.user_id == user.id:
            raise ClinicError("You cannot accept your own invitation.")
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        link = CareLink.objects.for_client(user).filter(therapist=invitation.therapist).first()
        if link:
            link.client_alias = alias
            link.save(update_fields=["client_alias"])
            return link
        try:
            with transaction.atomic():
                return CareLink.objects.create(
                    therapist=invitation.therapist, client=user, client_alias=alias
                )
        except IntegrityError:
            return CareLink.objects.for_client(user).get(therapist=invitation.therapist)


def revoke_invitation(invitation: Invitation) -> None:
    if invitation.state == Invitation.State.OPEN:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def end_link(link: CareLink, by: str) -> bool:
    """Ends access at once (every therapist lookup goes through active links only); nothing is
    deleted. A therapist's ending is written in the client's access log and can be undone for
    ``UNDO_DAYS``. Returns False if the link had already ended."""
    with transaction.atomic():
        ended = CareLink.objects.filter(pk=link.pk, ended_at__isnull=True).update(
            ended_at=timezone.now(), ended_by=by
        )
        if ended and by == CareLink.EndedBy.THERAPIST:
            log_access(link.therapist, link.client_id, AccessLog.What.LINK_ENDED)
    return bool(ended)


def restore_link(link: CareLink) -> None:
    """Undo a therapist's ending of a link, with its assignments and shares, within the window.

    Refused when the client has linked with the same therapist again since (a link can be active
    once per pair), when the window has passed, or when the client ended it.
    """
    if link.undo_until is None or link.undo_until <= timezone.now():
        raise ClinicError(
            f"It is more than {UNDO_DAYS} days since this link ended, so it cannot be undone. "
            f"{link.client_alias} can link with you again through a new invitation."
        )
    try:
        with transaction.atomic():
            restored = CareLink.objects.filter(
                pk=link.pk, ended_by=CareLink.EndedBy.THERAPIST, ended_at=link.ended_at
            ).update(ended_at=None, ended_by="")
            if restored:
                log_access(link.therapist, link.client_id, AccessLog.What.LINK_RESTORED)
    except IntegrityError:
        raise ClinicError(
            f"{link.client_alias} is linked with you again already, through a new invitation."
        ) from None
    if not restored:
        raise ClinicError("This link has changed since the page was loaded. Nothing changed.")


def keep_ended(link: CareLink) -> None:
    """The client's answer to a therapist ending the link: keep it ended, with no undo."""
    CareLink.objects.filter(pk=link.pk, ended_by=CareLink.EndedBy.THERAPIST).update(
        ended_by=CareLink.EndedBy.CLIENT
    )


def notify_therapist(care_link: CareLink, event: str) -> None:
    """Optional update email (off unless the therapist turned it on; never to an account whose
    approval was withdrawn).

    The subject is neutral and the body carries only the client's chosen name and what kind of
    thing happened: never lesson titles or reflection text.
    """
    therapist = care_link.therapist
    if not (therapist.email_updates and therapist.is_approved):
        return
    body = render_to_string(
        "clinic/email/update.txt",
        {
            "alias": care_link.client_alias,
            "event": event,
            "url": absolute_url(reverse("clinic:client", args=[care_link.pk])),
        },
    )
    # Best effort: the client's action is done whether or not this email can be sent.
    mail.send("Activity update", body, therapist.user.email, what="therapist update")


def notify_assignment_completed(user, lesson: Lesson) -> None:
    """Tell opted-in therapists when this completion finishes something they assigned."""
    assignments = list(
        Assignment.objects.filter(link__in=CareLink.objects.for_client(user))
        .filter(Q(lesson=lesson) | Q(module_id=lesson.module_id))
        .select_related("link__therapist__user", "module", "lesson")
        .defer(*Lesson.body_fields("lesson__"))
    )
    for status in assignment_statuses(assignments):
        if status.complete:
            notify_therapist(status.assignment.link, "finished an assignment")


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


def _completed(user_ids) -> dict[int, set[int]]:
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
        if module := course.modules_by_id.get(assignment.module_id):
            assignment.module = module
        if lesson := course.lessons_by_id.get(assignment.lesson_id):
            assignment.lesson = lesson


def ago(when: datetime, now: datetime) -> str:
    """Last activity as "3 days ago": coarse on purpose, and cheaper than ``timesince``."""
    seconds = max(0, (now - when).total_seconds())
    for unit, size in (("month", 30 * 86400), ("week", 7 * 86400), ("day", 86400), ("hour", 3600)):
        if seconds >= (2 * size if unit in ("month", "week") else size):
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "within the hour"


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
            n = per_module.get(client_id, {}).get(a.module_id, 0)
            statuses.append(AssignmentStatus(a, n, counts.get(a.module_id, 0), today))
        else:
            n = int(a.lesson_id in lessons_done.get(client_id, ()))
            statuses.append(AssignmentStatus(a, n, 1, today))
    return statuses


def save_assignment(
    link: CareLink,
    target: Module | Lesson,
    note: str,
    due: date | None,
    assignment: Assignment | None = None,
) -> Assignment:
    assignment = assignment or Assignment(link=link)
    assignment.module = target if isinstance(target, Module) else None
    assignment.lesson = target if isinstance(target, Lesson) else None
    assignment.note = note
    assignment.due_date = due
    assignment.save()
    return assignment


def assignments_for_link(link: CareLink) -> list[Assignment]:
    assignments = list(link.assignments.all())
    _attach_targets(assignments, {link.id: link})
    return assignments


def client_assignments(user, completed: set[int] | None = None) -> list[AssignmentStatus]:
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
    last_activity_text: str = ""
    url: str = ""
    reading: pictures.Chart | None = None  # lessons read per module

    # Read by the filter, the sort and twice by the template: counted once, after assembly.
    @cached_property
    def overdue(self) -> int:
        return sum(s.overdue for s in self.assignments)

    @cached_property
    def due_soon(self) -> int:
        return sum(s.due_soon for s in self.assignments)


ROSTER_SORTS = {
    "name": lambda row: row.link.client_alias.lower(),
    "activity": lambda row: -(row.last_activity.timestamp() if row.last_activity else 0),
    "due": lambda row: (-row.overdue, -row.due_soon, row.link.client_alias.lower()),
}
ROSTER_FILTERS = {
    "all": lambda row: True,
    "overdue": lambda row: row.overdue > 0,
    "due-soon": lambda row: row.due_soon > 0,
}


def _reading_by_client(client_ids: list[int]) -> tuple[dict[int, set[int]], dict[int, datetime]]:
    """Each client's completed lesson ids and when they last opened a lesson, in one query."""
    done: dict[int, set[int]] = defaultdict(set)
    last: dict[int, datetime] = {}
    rows = Progress.objects.filter(user_id__in=client_ids).values_list(
        "user_id", "lesson_id", "completed_at", "last_opened_at"
    )
    for user_id, lesson_id, completed_at, opened_at in rows:
        if completed_at:
            done[user_id].add(lesson_id)
        if opened_at and (user_id not in last or opened_at > last[user_id]):
            last[user_id] = opened_at
    return done, last


def roster(
    therapist: TherapistProfile, sort: str = "name", show: str = "all", query: str = ""
) -> list[RosterRow]:
    """The therapist's active clients with progress, a picture of it per module, and deadlines,
    in a fixed number of queries whatever the number of clients."""
    links = list(CareLink.objects.for_therapist(therapist).order_by("client_alias"))
    if query:
        links = [link for link in links if query.lower() in link.client_alias.lower()]
    client_url = url_for_pk("clinic:client")
    rows = {link.id: RosterRow(link, url=client_url(link.id)) for link in links}
    done, activity = _reading_by_client([link.client_id for link in links])
    assignments = list(Assignment.objects.filter(link__in=links))
    _attach_targets(assignments, {link.id: link for link in links})
    for status in assignment_statuses(assignments, done):
        rows[status.assignment.link_id].assignments.append(status)
    course, now = outline.current(), timezone.now()
    for row in rows.values():
        row.reading = pictures.module_bars(course, done.get(row.link.client_id, set()))
        row.last_activity = activity.get(row.link.client_id)
        row.last_activity_text = ago(row.last_activity, now) if row.last_activity else ""
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
    by_module: dict[int, list] = defaultdict(list)
    rows = (
        Progress.objects.filter(user_id=client_id, completed_at__isnull=False)
        .order_by("completed_at")
        .values_list("lesson_id", "completed_at")
    )
    for lesson_id, completed_at in rows:
        lesson = course.lessons_by_id.get(lesson_id)
        if lesson and lesson.is_published:
            by_module[lesson.module_id].append((lesson, completed_at))
    return [
        ModuleProgress(m, counts.get(m.id, 0), by_module[m.id])
        for m in course.modules
        if counts.get(m.id)
    ]


def shared_reflections(link: CareLink) -> list[Share]:
    return list(
        Share.objects.filter(link=link)
        .select_related("reflection__prompt__lesson")
        .defer(*Lesson.body_fields("reflection__prompt__lesson__"), "reflection__prompt__html")
        .order_by("-shared_at")
    )


def log_access(therapist: TherapistProfile, client_id: int, what: str, prompt_text: str = ""):
    _log_row(therapist, client_id, what, prompt_text).save()


def _log_row(therapist: TherapistProfile, client_id: int, what: str, prompt: str = "") -> AccessLog:
    return AccessLog(
        therapist=therapist,
        therapist_name=therapist.display_name,
        client_id=client_id,
        what=what,
        prompt_text=prompt[:300],
    )


def record_client_page_view(
    link: CareLink, shares: list[Share], seen_since: datetime | None = None
) -> None:
    """One row for the page and one per shared reflection shown: the client sees every look.

    ``seen_since``: this page is the therapist's way back from their own save (an assignment
    added, changed or removed), and they last looked at it then. Only what is new to them since
    is a new look: a reflection shared after that moment; the page itself is not.
    """
    logs = (
        [] if seen_since else [_log_row(link.therapist, link.client_id, AccessLog.What.CLIENT_PAGE)]
    )
    logs += [
        _log_row(
            link.therapist, link.client_id, AccessLog.What.REFLECTION, share.reflection.prompt_text
        )
        for share in shares
        if not seen_since or share.shared_at > seen_since
    ]
    AccessLog.objects.bulk_create(logs)


def last_look(link: CareLink) -> datetime | None:
    """When the therapist last opened this client's page."""
    return (
        AccessLog.objects.filter(
            therapist=link.therapist_id, client_id=link.client_id, what=AccessLog.What.CLIENT_PAGE
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )


def record_overview(therapist: TherapistProfile, client_ids: list[int], what: str) -> None:
    """One row per client whose progress an overview showed (the roster, a group), in one
    insert whatever the number of clients."""
    AccessLog.objects.bulk_create([_log_row(therapist, i, what) for i in client_ids])


# Groups ---------------------------------------------------------------------------------------


def save_group(
    therapist: TherapistProfile, name: str, links: list[CareLink], group: ClientGroup | None = None
) -> ClientGroup:
    """Create or change a group: its name and its active members.

    Every member must be an active link of this therapist (the form offers nothing else; this
    refuses a crafted request too). A member whose link has ended stays in the group, so undoing
    the ending brings them back.
    """
    own = set(CareLink.objects.for_therapist(therapist).values_list("id", flat=True))
    chosen = {link.id for link in links}
    if not chosen <= own:
        raise ClinicError("Choose among your own clients only.")
    try:
        with transaction.atomic():
            group = group or ClientGroup(therapist=therapist)
            group.name = name
            group.save()
            group.memberships.filter(link_id__in=own - chosen).delete()
            GroupMembership.objects.bulk_create(
                [GroupMembership(group=group, link_id=i) for i in chosen], ignore_conflicts=True
            )
    except IntegrityError:
        raise ClinicError(f"You already have a group called “{name}”.") from None
    return group


def group_links(group: ClientGroup) -> list[CareLink]:
    """The group's members whose link is active, by name."""
    return list(CareLink.objects.active().filter(memberships__group=group).order_by("client_alias"))


def assign_to_group(
    group: ClientGroup, target: Module | Lesson, note: str, due: date | None
) -> list[Assignment]:
    """One assignment for each active member, each their own: same target, note and due date."""
    is_module = isinstance(target, Module)
    assignments = [
        Assignment(
            link=link,
            group=group,
            module=target if is_module else None,
            lesson=None if is_module else target,
            note=note,
            due_date=due,
        )
        for link in group_links(group)
    ]
    return Assignment.objects.bulk_create(assignments)


@dataclass
class GroupTable:
    """The group's progress: a row per member, a column per module or lesson given to the
    group, each cell (the column's target, that member's own assignment or None)."""

    targets: list
    rows: list[tuple[CareLink, list[tuple[object, AssignmentStatus | None]]]]


def group_progress(group: ClientGroup, links: list[CareLink]) -> GroupTable:
    """In two queries whatever the number of members: their group assignments, and their
    completed lessons."""
    assignments = list(
        Assignment.objects.filter(group=group, link__in=links).order_by("created_at")
    )
    _attach_targets(assignments, {link.id: link for link in links})
    statuses = assignment_statuses(assignments)
    targets: dict[tuple, object] = {}
    cells: dict[tuple, AssignmentStatus] = {}
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


def set_shares(user, reflection: Reflection, link_ids: set[int]) -> None:
    """Share one reflection with exactly these of the user's active links; unshare the rest."""
    if reflection.user_id != user.id:
        raise ClinicError("That reflection is not yours.")
    allowed = set(CareLink.objects.shareable_by(user).values_list("id", flat=True))
    unknown = link_ids - allowed
    if unknown:
        raise ClinicError("You can only share with a therapist you are linked to.")
    with transaction.atomic():
        Share.objects.filter(reflection=reflection).exclude(link_id__in=link_ids).delete()
        existing = set(
            Share.objects.filter(reflection=reflection).values_list("link_id", flat=True)
        )
        added = link_ids - existing
        Share.objects.bulk_create(
            [Share(reflection=reflection, link_id=i) for i in added], ignore_conflicts=True
        )
    for care_link in CareLink.objects.filter(id__in=added).select_related("therapist__user"):
        notify_therapist(care_link, "shared a reflection with you")


def sharing_options(user, reflections: list[Reflection]) -> tuple[list[CareLink], dict]:
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


def shared_count(user) -> int:
    """How many of the user's answers an active link can read."""
    return (
        Reflection.objects.for_owner(user)
        .filter(shares__link__in=CareLink.objects.for_client(user))
        .distinct()
        .count()
    )


VISIT_GAP = timedelta(minutes=30)


@dataclass
class LogLine:
    """What one therapist did during one visit, of one kind: every raw row it stands for."""

    therapist_name: str
    what: str
    prompt_text: str
    first: datetime
    last: datetime
    count: int = 1


def access_log_for(user, rows: int = 2000) -> list[LogLine]:
    """The client's access log, grouped per visit for reading.

    Every look is kept as its own row (the export has them all). For reading, a therapist's
    rows with less than ``VISIT_GAP`` between them are one visit, and within a visit each kind
    of look (the progress page, each shared reflection, the client list) is one line with how
    many times and between when: five reloads in a minute read as one visit, not five alarms.
    """
    entries = AccessLog.objects.filter(client=user).order_by("-at")[:rows]
    lines: list[LogLine] = []
    visits: dict[tuple, tuple[datetime, dict]] = {}  # therapist -> (earliest so far, its lines)
    for entry in entries:
        who = (entry.therapist_id, entry.therapist_name)
        earliest, kinds = visits.get(who, (None, None))
        if earliest is None or earliest - entry.at > VISIT_GAP:
            kinds = {}
        key = (entry.what, entry.prompt_text)
        if key in kinds:
            line = kinds[key]
            line.first, line.count = entry.at, line.count + 1
        else:
            line = kinds[key] = LogLine(
                entry.therapist_name,
                entry.get_what_display(),
                entry.prompt_text,
                entry.at,
                entry.at,
            )
            lines.append(line)
        visits[who] = (entry.at, kinds)
    return lines
