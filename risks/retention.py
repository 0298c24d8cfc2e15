"""Risk reports are kept for RISK_REPORT_RETENTION_DAYS after they are closed (see
docs/personal-data.md); then the daily scan deletes them with their history and file."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from risks.models import RiskReport


def purge_expired(now=None) -> int:
    days = settings.RISK_REPORT_RETENTION_DAYS
    if not days:
        return 0
    before = (now or timezone.now()) - datetime.timedelta(days=days)
    expired = RiskReport.objects.filter(status__in=RiskReport.CLOSED_STATES, closed_at__lt=before)
    files = list(expired.exclude(file="").values_list("file", flat=True))
    count, _rows = expired.delete()
    if files:
        storage = RiskReport._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
    return count
