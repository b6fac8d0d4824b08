from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Lessons"

    def ready(self) -> None:
        # Modules that use the models load once the app registry is ready, as Django asks.
        from . import checks, outline, personal_data  # noqa: F401
        from .models import Lesson, Module

        def content_changed(**kwargs) -> None:
            outline.bump()

        # sync_content writes in bulk and bumps the outline itself; this covers single saves
        # (the admin, a shell, tests).
        for model in (Module, Lesson):
            for signal in (post_save, post_delete):
                signal.connect(content_changed, sender=model, weak=False)
