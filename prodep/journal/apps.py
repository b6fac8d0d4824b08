from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "prodep.journal"
    label = "journal"
    verbose_name = "Journal"
