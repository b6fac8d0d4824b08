from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Lessons"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401
        from .models import Lesson, Module

        # sync_content writes in bulk and bumps the outline itself; this covers single saves
        # (the admin, a shell, tests).
        for model in (Module, Lesson):
            for signal in (post_save, post_delete):
                signal.connect(self._content_changed, sender=model, weak=False)

    @staticmethod
    def _content_changed(**kwargs) -> None:
        from . import outline

        outline.bump()
