"""The revision deadline: warn before a programme's revision falls due and when it is overdue."""

import datetime

from django.conf import settings
from django.db import models
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
    """ "overdue", "due-<N>m" (within the warning window) or None."""
    if version.revision_due is None:
        return None
    if version.revision_due < today:
        return "overdue"
    window_start = version.revision_due - datetime.timedelta(days=round(30.44 * warning_months()))
    if today >= window_start:
        return f"due-{warning_months()}m"
    return None


def scan_revisions(today=None) -> int:
    """Flag adopted versions due for revision; tell each security chief once per threshold.
    A constant number of queries however many documents there are."""
    today = today or timezone.localdate()
    versions = list(
        ProgrammeVersion.objects.filter(
            status=ProgrammeVersion.Status.ADOPTED, revision_due__isnull=False
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
        for user_id in people.get(version.programme.municipality_id, []):
            rows.append(
                {
                    "recipient_id": user_id,
                    "kind": Notice.REVISION_OVERDUE if overdue else Notice.REVISION_DUE,
                    "subject": f"version:{version.pk}",
                    "period": threshold,
                    "text": gettext_noop("The revision of “%(title)s” is overdue since %(date)s.")
                    if overdue
                    else gettext_noop("“%(title)s” is to be revised by %(date)s."),
                    "params": {"title": version.title, "date": version.revision_due.isoformat()},
                    "url": version.programme.get_absolute_url(),
                }
            )
    notify_many(rows)
    return len(flagged)
