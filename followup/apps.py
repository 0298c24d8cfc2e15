from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Follow-up")

    def ready(self):
        from followup import (
            attention,  # noqa: F401 - registers the start page's panels
            calendar,  # noqa: F401 - registers the calendar providers
            reminders,
        )
        from responsibilities import daily

        daily.register(
            "Follow-up reminders",
            task="followup.scan_reminders",
            run=reminders.run_daily,
            at=(6, 10),
        )
        from followup.models.files import requeue_stuck_files
        from responsibilities import outbox

        outbox.SWEEPERS.append(requeue_stuck_files)
