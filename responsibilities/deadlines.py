"""Reminders of the municipality's recurring yearly dates to the people who manage them."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from responsibilities.capabilities import Capability
from responsibilities.models import MunicipalityPermission, grant_in_force
from responsibilities.notifications import Notification, YearlyDeadline, notify_many


def holding(capability: str, prefix: str = "") -> Q:
    """The rule for a municipality-wide grant of the capability that counts today: in force,
    to an active person. `prefix` reaches the grant through a relation, for a set-based scan
    that joins it ("…__municipality__municipalitypermission__")."""
    return grant_in_force(prefix=prefix) & Q(
        **{f"{prefix}permission__codename": capability, f"{prefix}user__is_active": True}
    )


def recipients_by_municipality(capability: str, municipality_ids) -> dict[int, list[int]]:
    """Person ids holding the capability municipality-wide, per municipality (one query)."""
    rows = (
        MunicipalityPermission.objects.filter(holding(capability))
        .filter(content_object_id__in=municipality_ids)
        .values_list("content_object_id", "user_id")
    )
    result: dict[int, list[int]] = {}
    for municipality_id, user_id in rows:
        result.setdefault(municipality_id, []).append(user_id)
    return result


def notify_yearly_deadlines(today=None) -> int:
    today = today or timezone.localdate()
    deadlines = list(YearlyDeadline.objects.all())
    people = recipients_by_municipality(
        Capability.MANAGE_CYCLES, {d.municipality_id for d in deadlines}
    )
    rows = []
    for deadline in deadlines:
        date = deadline.next_date(today)
        if date is None:
            continue
        days_left = (date - today).days
        due = [days for days in deadline.lead_days() if days_left <= days]
        if not due:
            continue
        threshold = min(due)  # the nearest threshold passed: one notification per threshold
        for user_id in people.get(deadline.municipality_id, []):
            rows.append(
                {
                    "recipient_id": user_id,
                    "kind": Notification.Kind.YEARLY_DATE,
                    "subject": f"yearly:{deadline.pk}:{date.isoformat()}",
                    "period": f"{threshold}d",
                    "text": gettext_noop("“%(name)s” is due on %(date)s."),
                    "params": {"name": deadline.name, "date": date.isoformat()},
                }
            )
    notify_many(rows)
    return len(rows)
