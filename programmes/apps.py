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
        from programmes.revision import Notice, scan_revisions
        from responsibilities import daily
        from responsibilities.notifications import register_kinds

        register_kinds(Notice)

        daily.register(
            "Revision deadlines", task="programmes.scan_revisions", run=scan_revisions, at=(6, 5)
        )
