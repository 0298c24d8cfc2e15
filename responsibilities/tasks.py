from celery import shared_task

from responsibilities.access import end_expired_assignments


@shared_task(name="responsibilities.end_expired_assignments")
def end_expired_assignments_task() -> int:
    """Daily: end assignments whose period is over and revoke the access they gave."""
    return end_expired_assignments()
