from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "responsibilities.sso"
    label = "sso"
    verbose_name = _("Sign-in with the municipality's account")

    def ready(self):
        from responsibilities.sso import signals  # noqa: F401
