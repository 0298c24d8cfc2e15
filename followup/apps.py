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
        from responsibilities.notifications import register_kinds

        register_kinds(reminders.Notice)
        daily.register(
            "Follow-up reminders",
            task="followup.scan_reminders",
            run=reminders.run_daily,
            at=(6, 10),
        )
        from followup.models.files import requeue_stuck_files
        from responsibilities import outbox

        outbox.SWEEPERS.append(requeue_stuck_files)
        from programmes.cleanup import register

        register("followup", _followup_files)


def _followup_files():
    """Evidence of existing attachments and the PDF of every report file row."""
    from followup.models import Attachment, ReportFile

    attachments = Attachment.objects.values_list("file", flat=True)
    files = ReportFile.objects.exclude(file_path="").values_list("file_path", flat=True)
    return [*attachments.iterator(), *files.iterator()]
