from django.apps import AppConfig


class AleSafetyConfig(AppConfig):
    name = "ale_safety"
    verbose_name = "Ale safety"
