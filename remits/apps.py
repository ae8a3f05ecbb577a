from django.apps import AppConfig


class RemitsConfig(AppConfig):
    name = "remits"
    verbose_name = "Remittances (ERA 835)"
