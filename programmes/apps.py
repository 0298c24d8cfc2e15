from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self):
        from programmes import (
            attention,  # noqa: F401 - registers the start page's panels
            calendar,  # noqa: F401 - registers the calendar provider
        )
        from programmes.revision import scan_revisions
        from responsibilities import daily

        daily.register(
            "Revision deadlines", task="programmes.scan_revisions", run=scan_revisions, at=(6, 5)
        )
