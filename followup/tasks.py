"""Follow-up reminders as Celery tasks: they take ids, re-read, and are safe to run twice."""

from celery import shared_task

from followup import reminders


@shared_task(name="followup.scan_reminders")
def scan_reminders() -> int:
    """Daily: reports due, overdue and escalated; actions due and overdue."""
    return reminders.scan_reports() + reminders.scan_actions()


@shared_task(name="followup.notify_cycle_opened")
def notify_cycle_opened(cycle_id: int) -> int:
    return reminders.cycle_opened(cycle_id)


@shared_task(name="followup.notify_report_submitted")
def notify_report_submitted(report_id: int) -> int:
    return reminders.report_submitted(report_id)


@shared_task(name="followup.notify_report_returned")
def notify_report_returned(report_id: int) -> int:
    return reminders.report_returned(report_id)
