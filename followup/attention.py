"""The start page's follow-up panels: reports to review, overdue units, the person's own
unit's report and actions, and the latest approved reports for those who read them."""

import datetime

from django.db.models import F
from django.utils import timezone

from followup.models import Action, Cycle, Report
from responsibilities.attention import Panel, register
from responsibilities.capabilities import Capability

ACTIONS_DUE_WITHIN_DAYS = 30
LATEST_APPROVED = 5
# What the panels show of a report; the municipality's slug for its links as a column, not
# four joined models.
REPORT_COLUMNS = (
    "status",
    "submitted_at",
    "approved_at",
    "return_comment",
    "unit__name",
    "cycle__year",
    "cycle__due_on",
    "cycle__status",
)


def shown(reports):
    """Reports with the columns the panels show (`municipality_slug` for the links)."""
    return (
        reports.select_related("unit", "cycle")
        .only(*REPORT_COLUMNS)
        .annotate(municipality_slug=F("cycle__version__programme__municipality__slug"))
    )


def in_open_cycles(access, capability) -> dict:
    """Reports of the open cycles of the municipalities where the person holds the
    capability, as literal ids on joined tables: PostgreSQL starts from the municipality's
    programme and reaches the reports by their cycle index."""
    return {
        "cycle__status": Cycle.Status.OPEN,
        "cycle__version__programme__municipality__in": sorted(
            access.municipality_ids_with(capability)
        ),
    }


@register
def followup_panels(user, access):
    today = timezone.localdate()
    if access.anywhere(Capability.REVIEW_FOLLOWUP):
        waiting = list(
            shown(
                Report.objects.filter(
                    status=Report.Status.SUBMITTED,
                    **in_open_cycles(access, Capability.REVIEW_FOLLOWUP),
                )
            ).order_by("submitted_at")
        )
        if waiting:
            yield Panel("followup/_attention_to_review.html", waiting, order=30)
    if access.anywhere(Capability.MANAGE_CYCLES):
        overdue = list(
            shown(
                Report.objects.overdue(today).filter(
                    **in_open_cycles(access, Capability.MANAGE_CYCLES)
                )
            ).order_by("cycle__due_on", "unit__path")
        )
        if overdue:
            yield Panel("followup/_attention_overdue.html", overdue, order=40)
    if access.anywhere(Capability.SUBMIT_FOLLOWUP):
        own_units = access.units_with(Capability.SUBMIT_FOLLOWUP).values("pk")
        own = list(
            shown(
                Report.objects.filter(unit__in=own_units, cycle__status=Cycle.Status.OPEN)
            ).order_by("cycle__due_on", "unit__path")
        )
        for report in own:
            report.is_late = report.status in Report.OPEN_STATES and report.cycle.due_on < today
        if own:
            yield Panel("followup/_attention_own_reports.html", own, order=5)
        actions = list(
            Action.objects.filter(
                report__unit__in=own_units,
                due_on__lte=today + datetime.timedelta(days=ACTIONS_DUE_WITHIN_DAYS),
            )
            .exclude(status__in=Action.FINISHED_STATES)
            .exclude(carried_to__isnull=False)
            .select_related("report__unit")
            .only("what", "status", "due_on", "report__unit__name")
            .annotate(municipality_slug=F("report__cycle__version__programme__municipality__slug"))
            .order_by("due_on", "pk")
        )
        for action in actions:
            action.is_late = action.due_on < today
        if actions:
            yield Panel("followup/_attention_actions.html", actions, order=6)
    readers_only = not access.anywhere(Capability.SUBMIT_FOLLOWUP) and not access.anywhere(
        Capability.REVIEW_FOLLOWUP
    )
    if readers_only and access.anywhere(Capability.READ_REPORTS):
        approved = list(
            shown(
                Report.objects.visible_to(user).filter(status__in=Report.APPROVED_STATES)
            ).order_by("-approved_at", "unit__path")[:LATEST_APPROVED]
        )
        if approved:
            yield Panel("followup/_attention_approved.html", approved, order=50)
