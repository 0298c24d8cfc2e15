from django.apps import AppConfig


class AleSafetyConfig(AppConfig):
    name = "ale_safety"
    verbose_name = "Ale safety"

    def ready(self):
        # Connects the login receiver that starts the session clocks, before any request.
        from ale_safety import middleware  # noqa: F401
