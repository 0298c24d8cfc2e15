"""The revision deadline: warn before a programme's revision falls due and when it is overdue."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from programmes.models import ProgrammeVersion
from responsibilities.capabilities import Capability
from responsibilities.deadlines import recipients_by_municipality
from responsibilities.notifications import notify_many


class Notice(models.TextChoices):
    """The notification kinds of the revision deadline (registered in ProgrammesConfig)."""

    REVISION_DUE = "revision_due", _("Revision due")
    REVISION_OVERDUE = "revision_overdue", _("Revision overdue")


def warning_months() -> int:
    return getattr(settings, "REVISION_WARNING_MONTHS", 12)


def revision_threshold(version, today) -> str | None:
    """ "overdue", "due-<N>m" (within the warning window) or None; for a document revised
    when needed the same, for its next review."""
    due = version.next_review
    if due is None:
        return None
    if due < today:
        return "overdue"
    window_start = due - datetime.timedelta(days=round(30.44 * warning_months()))
    if today >= window_start:
        return f"due-{warning_months()}m"
    return None


REVISION_TEXTS = {
    True: gettext_noop("The revision of “%(title)s” is overdue since %(date)s."),
    False: gettext_noop("“%(title)s” is to be revised by %(date)s."),
}
REVIEW_TEXTS = {
    True: gettext_noop("“%(title)s” is revised when needed and was to be reviewed by %(date)s."),
    False: gettext_noop("“%(title)s” is revised when needed and is to be reviewed by %(date)s."),
}


def scan_revisions(today=None) -> int:
    """Flag adopted versions due for revision; tell each security chief once per threshold.
    A constant number of queries however many documents there are."""
    today = today or timezone.localdate()
    versions = list(
        ProgrammeVersion.objects.filter(
            Q(revision_due__isnull=False) | Q(review_due__isnull=False),
            status=ProgrammeVersion.Status.ADOPTED,
        ).select_related("programme__municipality")
    )
    flagged = [(v, revision_threshold(v, today)) for v in versions]
    flagged = [(v, t) for v, t in flagged if t]
    people = recipients_by_municipality(
        Capability.EDIT_PROGRAMME, {v.programme.municipality_id for v, _ in flagged}
    )
    rows = []
    for version, threshold in flagged:
        overdue = threshold == "overdue"
        texts = REVIEW_TEXTS if version.reviewed_when_needed else REVISION_TEXTS
        # A confirmed review restarts the interval: its reminders are new ones.
        period = (
            f"review-{version.review_due}-{threshold}"
            if version.reviewed_when_needed
            else threshold
        )
        for user_id in people.get(version.programme.municipality_id, []):
            rows.append(
                {
                    "recipient_id": user_id,
                    "kind": Notice.REVISION_OVERDUE if overdue else Notice.REVISION_DUE,
                    "subject": f"version:{version.pk}",
                    "period": period,
                    "text": texts[overdue],
                    "params": {"title": version.title, "date": version.next_review.isoformat()},
                    "url": version.programme.get_absolute_url(),
                }
            )
    notify_many(rows)
    return len(flagged)
