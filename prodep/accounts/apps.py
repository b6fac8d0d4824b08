from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "prodep.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Modules that use the models load once the app registry is ready, as Django asks.
        from . import checks, personal_data, signals  # noqa: F401
