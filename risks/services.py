"""Taking in a risk report: its reference number, its routing and its file, in one go."""

from pathlib import Path

from django.db import transaction
from django.utils import timezone

from risks import routing
from risks.models import ReferenceCounter, RiskReport


@transaction.atomic
def report_risk(*, by, municipality, upload=None, **fields) -> RiskReport:
    """Save a new report with the next reference number of its municipality and year, give
    it a handler and tell the manager and the security chief (all or nothing)."""
    now = timezone.now()
    year = timezone.localdate(now).year
    report = RiskReport(
        municipality=municipality,
        year=year,
        number=ReferenceCounter.take(municipality.pk, year),
        reported_by=by,
        reported_at=now,
        **fields,
    )
    if upload:
        report.file = upload
        report.file_name = Path(upload.name).name[:200]
        report.file_type = upload.detected_content_type
        report.file_size = upload.size
    report.save()
    routing.route(report)
    return report
