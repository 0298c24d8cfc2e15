"""Who hears about a risk report: its unit's manager (found up the tree) and the security
chief when it comes in, the reporter at each step, and a reminder and escalation when nobody
acknowledges it in time. Notifications are rows written in the caller's transaction."""

import datetime
from collections import defaultdict

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from followup.models import Action, Cycle, Report
from responsibilities.capabilities import Capability, RoleKind
from responsibilities.deadlines import recipients_by_municipality
from responsibilities.models import Assignment
from responsibilities.notifications import notify_many
from risks.models import RiskEntry, RiskEvent, RiskReport, RiskSettings


class Notice(models.TextChoices):
    """The notification kinds of risk reports (registered in RisksConfig.ready())."""

    RISK_REPORTED = "risk_reported", _("Risk report received")
    RISK_UPDATED = "risk_updated", _("Risk report handled")
    RISK_COMMENT = "risk_comment", _("Comment on a risk report")
    RISK_REMINDER = "risk_reminder", _("Risk report not acknowledged")
    RISK_ESCALATED = "risk_escalated", _("Unacknowledged risk report escalated")
    RISK_REVIEW_DUE = "risk_review_due", _("Risk register review due")


# The roles that manage a unit: the first found from the unit upwards handles its reports.
MANAGER_KINDS = (RoleKind.MANAGER, RoleKind.SECTOR_CHIEF, RoleKind.COMPANY_CEO)
REVIEW_WARNING_DAYS = 30


def ancestor_ids(unit) -> list[int]:
    """The unit and the units above it, nearest first (from its materialised path)."""
    return [int(part) for part in reversed(unit.path.strip("/").split("/")) if part]


def managers_by_unit(unit_ids, on=None) -> dict[int, list[int]]:
    """Active managers per unit id (one query)."""
    found = defaultdict(list)
    rows = (
        Assignment.objects.active(on)
        .filter(role__kind__in=MANAGER_KINDS, unit_id__in=unit_ids, person__is_active=True)
        .order_by("unit_id", "starts_on", "person_id")
        .values_list("unit_id", "person_id")
    )
    for unit_id, person_id in rows:
        if person_id not in found[unit_id]:
            found[unit_id].append(person_id)
    return found


def nearest_managers(path_ids: list[int], by_unit: dict[int, list[int]]) -> list[int]:
    for unit_id in path_ids:
        if by_unit.get(unit_id):
            return by_unit[unit_id]
    return []


def managers_of(unit) -> list[int]:
    """The managers of the unit, or of the nearest unit above it that has one."""
    path = ancestor_ids(unit)
    return nearest_managers(path, managers_by_unit(path))


def security_chiefs(municipality_id) -> list[int]:
    return recipients_by_municipality(Capability.HANDLE_RISKS, [municipality_id]).get(
        municipality_id, []
    )


def report_url(report) -> str:
    return reverse(
        "risks:report", kwargs={"municipality": report.municipality.slug, "pk": report.pk}
    )


def _row(user_id, kind, report, period, text, **params):
    return {
        "recipient_id": user_id,
        "kind": kind,
        "subject": f"risk:{report.pk}",
        "period": period,
        "text": text,
        "params": {"reference": report.reference, "unit": report.unit.name, **params},
        "url": report_url(report),
    }


def route(report: RiskReport) -> None:
    """A new report: assign the nearest manager as handler and tell them and the security
    chief. Called inside the transaction that saves the report."""
    managers = managers_of(report.unit)
    if managers and report.handler_id is None:
        report.handler_id = managers[0]
        RiskReport.objects.filter(pk=report.pk).update(handler_id=managers[0])
    recipients = set(managers) | set(security_chiefs(report.municipality_id))
    recipients.discard(report.reported_by_id)
    notify_many(
        [
            _row(
                user_id,
                Notice.RISK_REPORTED,
                report,
                "reported",
                gettext_noop("New risk report %(reference)s in %(unit)s."),
            )
            for user_id in sorted(recipients)
        ]
    )


STEP_MESSAGES = {
    RiskReport.Status.ASSESSING: gettext_noop("Your risk report %(reference)s is being assessed."),
    RiskReport.Status.MEASURE_DECIDED: gettext_noop(
        "A measure has been decided for your risk report %(reference)s."
    ),
    RiskReport.Status.CLOSED: gettext_noop("Your risk report %(reference)s has been closed."),
    RiskReport.Status.NOT_A_RISK: gettext_noop(
        "Your risk report %(reference)s was closed as not a risk."
    ),
}


def tell_reporter(report: RiskReport, event: RiskEvent) -> None:
    if report.reported_by_id is None or report.reported_by_id == event.by_id:
        return
    notify_many(
        [
            _row(
                report.reported_by_id,
                Notice.RISK_UPDATED,
                report,
                f"event:{event.pk}",
                STEP_MESSAGES[event.to_status],
            )
        ]
    )


def tell_about_comment(report: RiskReport, event: RiskEvent) -> None:
    """The reporter hears of the handler's comments, the handler of the reporter's."""
    if event.by_id == report.reported_by_id:
        recipients = (
            {report.handler_id}
            if report.handler_id
            else set(security_chiefs(report.municipality_id))
        )
    else:
        recipients = {report.reported_by_id, report.handler_id}
    recipients.discard(None)
    recipients.discard(event.by_id)
    notify_many(
        [
            _row(
                user_id,
                Notice.RISK_COMMENT,
                report,
                f"comment:{event.pk}",
                gettext_noop("New comment on risk report %(reference)s."),
            )
            for user_id in sorted(recipients)
        ]
    )


def action_report(report: RiskReport) -> Report | None:
    """The follow-up report whose action plan takes the unit's measures: the open (draft or
    returned) report of the unit or the nearest reporting unit above it, newest year first."""
    path = ancestor_ids(report.unit)
    candidates = list(
        Report.objects.filter(
            unit_id__in=path,
            status__in=Report.OPEN_STATES,
            cycle__status__in=[Cycle.Status.DRAFT, Cycle.Status.OPEN],
            cycle__version__programme__municipality=report.municipality_id,
        ).select_related("cycle")
    )
    if not candidates:
        return None
    return min(candidates, key=lambda r: (path.index(r.unit_id), -r.cycle.year))


def add_action(report: RiskReport, measure: str, owner_role, due_on) -> Action | None:
    """The measure as a row of the unit's action plan (None when no report is open)."""
    target = action_report(report)
    if target is None:
        return None
    return target.add_action(
        what=f"{measure} ({report.reference})",
        responsible_role=owner_role,
        starts_on=timezone.localdate(),
        due_on=max(due_on, timezone.localdate()),
        status=Action.Status.NOT_STARTED,
    )


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Monday to Friday after `start` up to and including `end` (public holidays count)."""
    days = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days += 1
    return days


def scan_unacknowledged(today=None) -> int:
    """Daily: a report still "received" after the municipality's number of working days
    reminds its managers and is escalated to the security chief. Constant queries."""
    today = today or timezone.localdate()
    reports = list(
        RiskReport.objects.filter(status=RiskReport.Status.RECEIVED).select_related(
            "unit", "municipality"
        )
    )
    if not reports:
        return 0
    scales = {
        s.municipality_id: s
        for s in RiskSettings.objects.filter(municipality__in={r.municipality_id for r in reports})
    }
    paths = {r.pk: ancestor_ids(r.unit) for r in reports}
    by_unit = managers_by_unit({unit_id for path in paths.values() for unit_id in path})
    chiefs = recipients_by_municipality(
        Capability.HANDLE_RISKS, {r.municipality_id for r in reports}
    )
    rows = []
    late = 0
    for report in reports:
        scale = scales.get(report.municipality_id) or RiskSettings()
        reported = timezone.localdate(report.reported_at)
        waited = working_days_between(reported, today)
        if waited < scale.acknowledge_within_days:
            continue
        late += 1
        managers = [report.handler_id] if report.handler_id else []
        managers = managers or nearest_managers(paths[report.pk], by_unit)
        rows += [
            _row(
                user_id,
                Notice.RISK_REMINDER,
                report,
                "reminder",
                gettext_noop(
                    "Risk report %(reference)s (%(unit)s) has waited %(days)s working days "
                    "for acknowledgement."
                ),
                days=waited,
            )
            for user_id in managers
        ]
        rows += [
            _row(
                user_id,
                Notice.RISK_ESCALATED,
                report,
                "escalated",
                gettext_noop(
                    "Risk report %(reference)s (%(unit)s) is not acknowledged after %(days)s "
                    "working days."
                ),
                days=waited,
            )
            for user_id in chiefs.get(report.municipality_id, [])
        ]
    notify_many(rows)
    return late


def scan_reviews(today=None) -> int:
    """Daily: remind the owner of a register entry whose review falls due within a month."""
    today = today or timezone.localdate()
    entries = list(
        RiskEntry.objects.active()
        .filter(review_on__lte=today + datetime.timedelta(days=REVIEW_WARNING_DAYS))
        .exclude(owner=None)
        .select_related("unit", "municipality")
    )
    notify_many(
        [
            {
                "recipient_id": entry.owner_id,
                "kind": Notice.RISK_REVIEW_DUE,
                "subject": f"risk-entry:{entry.pk}",
                "period": f"review:{entry.review_on.isoformat()}",
                "text": gettext_noop(
                    "The risk “%(title)s” (%(unit)s) is due for review on %(date)s."
                ),
                "params": {
                    "title": entry.title[:80],
                    "unit": entry.unit.name,
                    "date": entry.review_on.isoformat(),
                },
                "url": reverse(
                    "risks:entry",
                    kwargs={"municipality": entry.municipality.slug, "pk": entry.pk},
                ),
            }
            for entry in entries
        ]
    )
    return len(entries)
