"""Reflections, declared in the personal-data registry (``prodep.personal_data``)."""

from prodep.personal_data import Admin, Deletion, declare

from .models import Reflection


def export_reflections(user) -> list[dict]:
    reflections = Reflection.objects.filter(user=user).select_related("prompt__lesson")
    return [
        {
            "id": r.id,
            "lesson": r.prompt.lesson.title,
            "prompt": r.prompt_text,
            "answer": r.text,
            "created_at": r.created_at.isoformat(),
            "updated_at": r.updated_at.isoformat(),
        }
        for r in reflections.order_by("id")
    ]


declare(
    Reflection,
    owner="user",
    deletion=Deletion.CASCADE,
    admin=Admin.READ_ONLY,
    export=("reflections", export_reflections),
    never_in_admin=("ciphertext",),  # the admin never shows, decrypts or edits the text
)
