"""Daily risk scans: unacknowledged reports (reminder and escalation), register reviews."""

from celery import shared_task


@shared_task(name="risks.scan_risks")
def scan_risks() -> int:
    from risks import retention, routing

    return routing.scan_unacknowledged() + routing.scan_reviews() + retention.purge_expired()
