"""Follow-up tasks: reminders and report PDFs. They take ids, re-read, and are safe to run
twice; PDFs are rendered in the worker, never in a request."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils.translation import gettext as _

from followup import reminders
from followup.models import ReportFile

logger = logging.getLogger(__name__)


@shared_task(name="followup.scan_reminders")
def scan_reminders() -> int:
    """Daily: cycles opened, reports due, overdue and escalated; actions due and overdue."""
    return reminders.run_daily()


@shared_task(name="followup.render_report_file")
def render_report_file(file_id: int) -> None:
    """Make the PDF of a ReportFile row. Queued through the outbox
    (`followup.pdf_views.ask`).
    Safe to run twice: only the worker that moves the row from queued to running renders, and
    an unchanged content is found in the cache instead of rendered again."""
    from followup import reports

    row = ReportFile.objects.select_related("cycle", "unit").filter(pk=file_id).first()
    if row is None or not row.claim():
        return
    try:
        reports.render_file(row)
    except SoftTimeLimitExceeded:
        row.fail(_("The report took too long to generate."))
    except Exception as error:  # a failed file is shown on the page and can be asked for again
        logger.exception("report file %s failed", file_id)
        row.fail(f"{type(error).__name__}: {error}")
