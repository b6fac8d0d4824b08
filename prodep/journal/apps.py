from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "prodep.journal"
    label = "journal"
    verbose_name = "Journal"

    def ready(self) -> None:
        # Modules that use the models load once the app registry is ready, as Django asks.
        from . import personal_data  # noqa: F401
