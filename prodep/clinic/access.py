"""What a therapist may see of a client, and the access-log row every look writes.

The one way a view shows a client's data (as Zulip's ``access_message``): ``open_client_page``,
``open_roster`` and ``open_group`` scope the request to the therapist's own active links (404
otherwise), write the client's access log, and assemble the page. The client reads their log
through ``access_log_for``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.shortcuts import get_object_or_404
from django.utils import timezone

from . import pictures
from .models import AccessLog, CareLink, ClientGroup, Share, TherapistProfile
from .reads import (
    AssignmentStatus,
    GroupTable,
    ModuleProgress,
    RosterRow,
    assignment_statuses,
    assignments_for_link,
    client_progress,
    group_links,
    group_progress,
    roster,
    shared_reflections,
)

if TYPE_CHECKING:
    from prodep.accounts.models import User


@dataclass
class ClientPage:
    link: CareLink
    shares: list[Share]
    assignments: list[AssignmentStatus]
    progress: list[ModuleProgress]
    weekly: pictures.Chart


def open_client_page(
    therapist: TherapistProfile, link_id: int, seen_since: datetime | None = None
) -> ClientPage:
    """A client's page for their therapist: 404 unless ``link_id`` is one of the therapist's
    active links; each look logged (``record_client_page_view``, with ``seen_since``)."""
    link = get_object_or_404(
        CareLink.objects.for_therapist(therapist).select_related("therapist"), pk=link_id
    )
    shares = shared_reflections(link)
    record_client_page_view(link, shares, seen_since)
    progress = client_progress(link.client_id)
    done = {lesson.id for m in progress for lesson, _ in m.completions}
    completed = (when for m in progress for _, when in m.completions)
    weekly = pictures.weekly_reading(completed, timezone.localdate())
    assignments = assignment_statuses(assignments_for_link(link), {link.client_id: done})
    return ClientPage(link, shares, assignments, progress, weekly)


def open_roster(
    therapist: TherapistProfile, sort: str = "name", show: str = "all", query: str = ""
) -> list[RosterRow]:
    """The therapist's client list (``reads.roster``), each client shown logged."""
    rows = roster(therapist, sort=sort, show=show, query=query)
    record_overview(therapist, [row.link.client_id for row in rows], AccessLog.What.ROSTER)
    return rows


@dataclass
class GroupPage:
    group: ClientGroup
    table: GroupTable


def open_group(therapist: TherapistProfile, group_id: int) -> GroupPage:
    """One of the therapist's groups (404 otherwise) with its members' progress, each member
    shown logged."""
    group = get_object_or_404(ClientGroup.objects.for_therapist(therapist), pk=group_id)
    links = group_links(group)
    table = group_progress(group, links)
    record_overview(therapist, [link.client_id for link in links], AccessLog.What.GROUP)
    return GroupPage(group, table)


def log_access(
    therapist: TherapistProfile, client_id: int, what: str, prompt_text: str = ""
) -> None:
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


def access_log_for(user: User, rows: int = 2000) -> list[LogLine]:
    """The client's access log, grouped per visit for reading.

    Every look is kept as its own row (the export has them all). For reading, a therapist's
    rows with less than ``VISIT_GAP`` between them are one visit, and within a visit each kind
    of look (the progress page, each shared reflection, the client list) is one line with how
    many times and between when: five reloads in a minute read as one visit, not five alarms.
    """
    entries = AccessLog.objects.filter(client=user).order_by("-at")[:rows]
    lines: list[LogLine] = []
    # therapist -> (earliest so far, its lines by kind)
    visits: dict[tuple[int | None, str], tuple[datetime, dict[tuple[str, str], LogLine]]] = {}
    for entry in entries:
        who = (entry.therapist_id, entry.therapist_name)
        earliest, kinds = visits.get(who) or (None, {})
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
