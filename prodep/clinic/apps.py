from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "prodep.clinic"
    label = "clinic"
    verbose_name = "Clinic"
