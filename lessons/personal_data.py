"""A reader's progress, declared in the personal-data registry (``prodep.personal_data``)."""

from prodep.personal_data import Admin, Deletion, declare

from .models import Progress


def export_progress(user) -> list[dict]:
    return [
        {
            "lesson": p.lesson.title,
            "started_at": p.started_at.isoformat(),
            "last_opened_at": p.last_opened_at.isoformat(),
            "completed_at": p.completed_at.isoformat() if p.completed_at else None,
        }
        for p in Progress.objects.filter(user=user).select_related("lesson")
    ]


declare(
    Progress,
    owner="user",
    deletion=Deletion.CASCADE,
    admin=Admin.NOT_SHOWN,
    export=("progress", export_progress),
)
