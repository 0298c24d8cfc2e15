from celery import shared_task

from programmes.revision import scan_revisions


@shared_task(name="programmes.scan_revisions")
def scan_revisions_task() -> int:
    """Daily: flag versions whose revision is due within the warning window or overdue."""
    return scan_revisions()
