"""What the clinic holds about a person, declared in the personal-data registry
(``prodep.personal_data``)."""

from prodep.personal_data import Admin, Deletion, declare

from .models import AccessLog, Assignment, CareLink, Share, TherapistProfile


def export_shares(user) -> list[dict]:
    shares = Share.objects.filter(reflection__user=user).select_related("link__therapist")
    return [
        {
            "reflection_id": s.reflection_id,
            "therapist": s.link.therapist.display_name,
            "shared_at": s.shared_at.isoformat(),
        }
        for s in shares
    ]


def export_links(user) -> list[dict]:
    return [
        {
            "therapist": link.therapist.display_name,
            "name_they_see": link.client_alias,
            "since": link.created_at.isoformat(),
            "ended_at": link.ended_at.isoformat() if link.ended_at else None,
        }
        for link in CareLink.objects.filter(client=user).select_related("therapist")
    ]


def export_assignments(user) -> list[dict]:
    assignments = Assignment.objects.filter(link__client=user).select_related(
        "link__therapist", "module", "lesson"
    )
    return [
        {
            "therapist": a.link.therapist.display_name,
            "what": str(a.target),
            "note": a.note,
            "due_date": a.due_date.isoformat() if a.due_date else None,
        }
        for a in assignments
    ]


def export_access_log(user) -> list[dict]:
    return [
        {
            "at": e.at.isoformat(),
            "who": e.therapist_name,
            "what": e.get_what_display(),
            "prompt": e.prompt_text,
        }
        for e in AccessLog.objects.filter(client=user)
    ]


declare(
    TherapistProfile,
    owner="user",
    deletion=Deletion.CASCADE,
    admin=Admin.EDITABLE,
    not_exported="a therapist's application, not part of a reader's data (not exported yet)",
)
declare(
    CareLink,
    owner="client",
    deletion=Deletion.CASCADE,
    admin=Admin.READ_ONLY,
    export=("therapist_links", export_links),
)
declare(
    Share,
    owner="reflection__user",
    deletion=Deletion.CASCADE,
    admin=Admin.NOT_SHOWN,
    export=("shares", export_shares),
)
declare(
    Assignment,
    owner="link__client",
    deletion=Deletion.CASCADE,
    admin=Admin.NOT_SHOWN,
    export=("assignments", export_assignments),
)
declare(
    AccessLog,
    owner="client",
    deletion=Deletion.KEPT_WITHOUT_PERSON,
    admin=Admin.READ_ONLY,
    export=("access_log", export_access_log),
)
