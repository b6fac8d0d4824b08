"""What therapists and their clients can do, each rule in one place."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lessons import outline
from lessons.models import Lesson, Module, Progress, Status
from prodep.journal.models import Reflection
from prodep.urlkit import url_for_pk

from .models import AccessLog, Assignment, CareLink, Invitation, Share, TherapistProfile, hash_token

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


def has_two_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def decide_application(profile: TherapistProfile, approve: bool) -> None:
    profile.status = (
        TherapistProfile.Status.APPROVED if approve else TherapistProfile.Status.REJECTED
    )
    profile.decided_at = timezone.now()
    profile.save(update_fields=["status", "decided_at"])


# Invitations ------------------------------------------------------------------------------------


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("clinic:invitation", args=[token])


def create_invitation(therapist: TherapistProfile, email: str = "", message: str = ""):
    """Issue a link; email it if an address was given. Returns (invitation, url)."""
    invitation, token = Invitation.issue(therapist, email=email, message=message)
    url = invitation_url(token)
    if email:
        body = render_to_string("clinic/email/invitation.txt", {"therapist": therapist, "url": url})
        # Neutral subject; no lesson or reflection content, and not the personal message,
        # which the invitee reads only after opening the link.
        send_mail("An invitation for you", body, None, [email])
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


def end_link(link: CareLink) -> None:
    """Ends access at once: every therapist lookup goes through active links only."""
    CareLink.objects.filter(pk=link.pk, ended_at__isnull=True).update(ended_at=timezone.now())


def notify_therapist(care_link: CareLink, event: str) -> None:
    """Optional update email (off unless the therapist turned it on).

    The subject is neutral and the body carries only the client's chosen name and what kind of
    thing happened: never lesson titles or reflection text.
    """
    therapist = care_link.therapist
    if not therapist.email_updates:
        return
    body = render_to_string(
        "clinic/email/update.txt",
        {
            "alias": care_link.client_alias,
            "event": event,
            "url": settings.SITE_URL + reverse("clinic:client", args=[care_link.pk]),
        },
    )
    send_mail("Activity update", body, None, [therapist.user.email])


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


def roster(
    therapist: TherapistProfile, sort: str = "name", show: str = "all", query: str = ""
) -> list[RosterRow]:
    """The therapist's active clients with progress and deadlines, in a fixed number of queries."""
    links = list(CareLink.objects.for_therapist(therapist).order_by("client_alias"))
    if query:
        links = [link for link in links if query.lower() in link.client_alias.lower()]
    client_url = url_for_pk("clinic:client")
    rows = {link.id: RosterRow(link, url=client_url(link.id)) for link in links}
    assignments = list(Assignment.objects.filter(link__in=links))
    _attach_targets(assignments, {link.id: link for link in links})
    for status in assignment_statuses(assignments):
        rows[status.assignment.link_id].assignments.append(status)
    client_ids = [link.client_id for link in links]
    activity = dict(
        Progress.objects.filter(user_id__in=client_ids)
        .values_list("user_id")
        .annotate(last=Max("last_opened_at"))
    )
    now = timezone.now()
    for row in rows.values():
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
        if lesson and lesson.status == Status.PUBLISHED:
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


def log_access(therapist: TherapistProfile, client, what: str, prompt_text: str = "") -> None:
    AccessLog.objects.create(
        therapist=therapist,
        therapist_name=therapist.display_name,
        client=client,
        what=what,
        prompt_text=prompt_text[:300],
    )


def record_client_page_view(link: CareLink, shares: list[Share]) -> None:
    """One row for the page and one per shared reflection shown: the client sees every look."""
    logs = [
        AccessLog(
            therapist=link.therapist,
            therapist_name=link.therapist.display_name,
            client_id=link.client_id,
            what=AccessLog.What.CLIENT_PAGE,
        )
    ]
    logs += [
        AccessLog(
            therapist=link.therapist,
            therapist_name=link.therapist.display_name,
            client_id=link.client_id,
            what=AccessLog.What.REFLECTION,
            prompt_text=share.reflection.prompt_text[:300],
        )
        for share in shares
    ]
    AccessLog.objects.bulk_create(logs)


# Sharing ----------------------------------------------------------------------------------------


def set_shares(user, reflection: Reflection, link_ids: set[int]) -> None:
    """Share one reflection with exactly these of the user's active links; unshare the rest."""
    if reflection.user_id != user.id:
        raise ClinicError("That reflection is not yours.")
    allowed = set(CareLink.objects.for_client(user).values_list("id", flat=True))
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
    """The user's active links, and for each reflection when it was shared on which link:
    ``{reflection id: {link id: shared_at}}``."""
    links = list(CareLink.objects.for_client(user).select_related("therapist"))
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


def access_log_for(user):
    return AccessLog.objects.filter(client=user).order_by("-at")
