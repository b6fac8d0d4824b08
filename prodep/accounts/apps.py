from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "prodep.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401
