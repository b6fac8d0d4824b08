from django.apps import AppConfig

from lessons.signals import lesson_completed


class ClinicConfig(AppConfig):
    name = "prodep.clinic"
    label = "clinic"
    verbose_name = "Clinic"

    def ready(self) -> None:
        # Modules that use the models load once the app registry is ready, as Django asks.
        from . import personal_data  # noqa: F401
        from .actions import notify_assignment_completed

        def completed(sender, user, lesson, **kwargs) -> None:
            notify_assignment_completed(user, lesson)

        lesson_completed.connect(completed, weak=False, dispatch_uid="clinic.assignment_done")
