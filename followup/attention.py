"""The start page's follow-up panels: reports to review, overdue units, the person's own
unit's report and actions, and the latest approved reports for those who read them.

The rows are values() rows with their links, titles and dates worked out here (no model
instances, no {% url %} or blocktranslate per row in the templates)."""

import datetime
import functools
import operator

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from followup.models import Action, Cycle, Report
from followup.models.reports import reader_lists
from responsibilities.attention import Panel, register
from responsibilities.capabilities import Capability
from responsibilities.links import page_url
from responsibilities.models import UnitPermission
from responsibilities.statements import Statement, StatementPerShape

ACTIONS_DUE_WITHIN_DAYS = 30
LATEST_APPROVED = 5
# What the panels show of a report; the municipality's slug for its links as a column, not
# four joined models.
REPORT_FIELDS = ("pk", "status", "submitted_at", "approved_at", "return_comment")
REPORT_COLUMNS = {
    "cycle_pk": F("cycle"),
    "unit_name": F("unit__name"),
    "year": F("cycle__year"),
    "due_on": F("cycle__due_on"),
    "slug": F("cycle__version__programme__municipality__slug"),
}


def _phrase(message, **values):
    """A translated message with its values escaped, as blocktranslate writes it."""
    escaped = {key: conditional_escape(value) for key, value in values.items()}
    return mark_safe(message % escaped)  # noqa: S308 - every value is escaped


class _Dates:
    """Each distinct date formatted once (DATE_FORMAT, in the local time zone)."""

    def __init__(self):
        self.done = {}

    def __call__(self, value):
        if value not in self.done:
            local = timezone.localtime(value) if isinstance(value, datetime.datetime) else value
            self.done[value] = date_format(local, "DATE_FORMAT")
        return self.done[value]


def _with_texts(rows: list[dict]) -> list[dict]:
    """Report rows (REPORT_FIELDS and REPORT_COLUMNS) with what the panels show: a link to
    the report, the title, the status label and the dates formatted."""
    statuses = {value: str(label) for value, label in Report.Status.choices}
    dates = _Dates()
    for row in rows:
        row["url"] = page_url(row["slug"], row["pk"], "followup:report")
        row["title"] = _phrase(
            _("%(unit)s, follow-up of %(year)s"), unit=row["unit_name"], year=row["year"]
        )
        row["status_label"] = statuses[row["status"]]
        row["due"] = dates(row["due_on"])
        if row["submitted_at"]:
            row["submitted_note"] = _phrase(
                _("submitted %(date)s"), date=dates(row["submitted_at"])
            )
        if row["approved_at"]:
            row["approved_note"] = _phrase(_("approved %(date)s"), date=dates(row["approved_at"]))
    return rows


def _units_of(person_id: int, day) -> QuerySet:
    """The units where the person submits the follow-up through a unit role on the day."""
    return (
        UnitPermission.objects.in_force(day)
        .filter(user=person_id, permission__codename=Capability.SUBMIT_FOLLOWUP)
        .values("content_object_id")
    )


def _own_reports(units) -> QuerySet:
    """The open cycles' reports of the units, as the panel lists them."""
    return (
        Report.objects.filter(unit__in=units, cycle__status=Cycle.Status.OPEN)
        .order_by("cycle__due_on", "unit__path")
        .values(*REPORT_FIELDS, **REPORT_COLUMNS)
    )


def _own_actions(units, due_by, lookup="in") -> QuerySet:
    """The unfinished actions of the units' reports due by the date, as the panel lists them
    (`units` a queryset, or a list of ids with `lookup="any"`: one argument of a statement)."""
    return (
        Action.objects.filter(**{f"report__unit__{lookup}": units}, due_on__lte=due_by)
        .exclude(status__in=Action.FINISHED_STATES)
        .exclude(carried_to__isnull=False)
        .order_by("due_on", "pk")
        .values(
            "what",
            "status",
            "due_on",
            report_pk=F("report"),
            unit_name=F("report__unit__name"),
            slug=F("report__cycle__version__programme__municipality__slug"),
        )
    )


# Compiled once per process, for those who report for their own units (unit roles): the
# sector chiefs, unit chiefs and managing directors whose start page this is. (The actions
# take the units' ids as one array argument: with the units as a subquery PostgreSQL reads
# every action; with the ids it starts from the units.)
_OWN_REPORTS = Statement(
    lambda person_id, day: _own_reports(_units_of(person_id, day)),
    (-7_300_417_017, datetime.date(1901, 2, 3)),
    (-7_300_417_019, datetime.date(1902, 3, 5)),
)
_OWN_ACTIONS = Statement(
    lambda units, due_by: _own_actions(units, due_by, lookup="any"),
    ((-7_300_417_021,), datetime.date(1901, 4, 7)),
    ((-7_300_417_023, -7_300_417_025), datetime.date(1902, 5, 9)),
)


def _own_reports_and_actions(user, access, today) -> tuple[list[dict], list[dict]]:
    """The open reports and the actions due soon of the units the person reports for."""
    due_by = today + datetime.timedelta(days=ACTIONS_DUE_WITHIN_DAYS)
    if access.municipality_ids_with(Capability.SUBMIT_FOLLOWUP):
        units = access.units_with(Capability.SUBMIT_FOLLOWUP).values("pk")
        return list(_own_reports(units)), list(_own_actions(units, due_by))
    units = tuple(sorted(access.unit_ids(Capability.SUBMIT_FOLLOWUP)))
    # No units, no actions (and no query, as the ORM asks none for an empty list).
    actions = _OWN_ACTIONS.fetch(units, due_by) if units else []
    return _OWN_REPORTS.fetch(user.pk, today), actions


def _review_and_overdue(review, manage, today, lookup="in") -> QuerySet:
    """The submitted reports of the municipalities `review` and the overdue ones of the
    municipalities `manage` (ids; an empty list left out), in the open cycles, as the panels
    list them. With `lookup="any"` each list is one argument of a statement."""
    wanted = []
    municipality = f"cycle__version__programme__municipality__{lookup}"
    if review:
        wanted.append(Q(status=Report.Status.SUBMITTED, **{municipality: review}))
    if manage:
        wanted.append(
            Q(status__in=Report.OPEN_STATES, cycle__due_on__lt=today, **{municipality: manage})
        )
    return (
        Report.objects.filter(
            functools.reduce(operator.or_, wanted), cycle__status=Cycle.Status.OPEN
        )
        .order_by("cycle__due_on", "unit__path")
        .values(*REPORT_FIELDS, **REPORT_COLUMNS)
    )


# `_review_and_overdue()` compiled once per process for each of the lists that can be given
# (the municipalities one array argument each; an empty list is no condition at all).
_TO_REVIEW = Statement(
    lambda review: _review_and_overdue(review, (), None, "any"),
    ((-7_300_461_001,),),
    ((-7_300_461_003, -7_300_461_005),),
)
_OVERDUE = Statement(
    lambda manage, today: _review_and_overdue((), manage, today, "any"),
    ((-7_300_461_007,), datetime.date(1901, 6, 11)),
    ((-7_300_461_009, -7_300_461_011), datetime.date(1902, 7, 13)),
)
_TO_REVIEW_AND_OVERDUE = Statement(
    lambda review, manage, today: _review_and_overdue(review, manage, today, "any"),
    ((-7_300_461_013,), (-7_300_461_015,), datetime.date(1901, 8, 15)),
    ((-7_300_461_017, -7_300_461_019), (-7_300_461_021,), datetime.date(1902, 9, 17)),
)


def _to_review_and_overdue(access, today) -> tuple[list[dict], list[dict]]:
    """The reports waiting for the person's review (by submission) and the overdue ones of
    the cycles they manage (by due date and unit), in one query: the two never share a
    report (submitted, or still with the unit)."""
    review = tuple(sorted(access.municipality_ids_with(Capability.REVIEW_FOLLOWUP)))
    manage = tuple(sorted(access.municipality_ids_with(Capability.MANAGE_CYCLES)))
    if review and manage:
        rows = _TO_REVIEW_AND_OVERDUE.fetch(review, manage, today)
    elif review:
        rows = _TO_REVIEW.fetch(review)
    elif manage:
        rows = _OVERDUE.fetch(manage, today)
    else:
        return [], []
    rows = _with_texts(rows)
    waiting = [row for row in rows if row["status"] == Report.Status.SUBMITTED]
    # As ORDER BY submitted_at: the unsubmitted (none, in practice) last.
    waiting.sort(key=lambda row: (row["submitted_at"] is None, row["submitted_at"] or 0))
    overdue = [row for row in rows if row["status"] != Report.Status.SUBMITTED]
    for report in overdue:
        report["url"] = page_url(report["slug"], report["cycle_pk"], "followup:cycle")
        report["due_note"] = _phrase(_("due on %(date)s"), date=report["due"])
    return waiting, overdue


def _latest_approved(*lists) -> QuerySet:
    """The newest approved reports the person may read (`Report.visible_by()`), as the panel
    lists them."""
    return (
        Report.objects.visible_by(*lists)
        .filter(status__in=Report.APPROVED_STATES)
        .order_by("-approved_at", "unit__path")
        .values(*REPORT_FIELDS, **REPORT_COLUMNS)[:LATEST_APPROVED]
    )


# Compiled once per process for each shape of the reader's lists.
_LATEST_APPROVED = StatementPerShape(_latest_approved)


@register
def followup_panels(user, access):
    today = timezone.localdate()
    waiting, overdue = _to_review_and_overdue(access, today)
    if waiting:
        yield Panel("followup/_attention_to_review.html", waiting, order=30)
    if overdue:
        yield Panel("followup/_attention_overdue.html", overdue, order=40)
    if access.anywhere(Capability.SUBMIT_FOLLOWUP):
        own, actions = _own_reports_and_actions(user, access, today)
        own = _with_texts(own)
        for report in own:
            report["is_open"] = report["status"] in Report.OPEN_STATES
            # The cycles are open: an open report is the one the form edits.
            if report["is_open"]:
                report["url"] = page_url(report["slug"], report["pk"], "followup:report_edit")
                late = report["due_on"] < today
                message = _("Overdue: it was due on %(date)s.") if late else _("Due on %(date)s.")
                report["due_note"] = _phrase(message, date=report["due"])
                report["is_late"] = late
            report["show_comment"] = (
                report["status"] == Report.Status.RETURNED and report["return_comment"]
            )
        if own:
            yield Panel("followup/_attention_own_reports.html", own, order=5)
        statuses = {value: str(label).lower() for value, label in Action.Status.choices}
        dates = _Dates()
        for action in actions:
            action["url"] = page_url(action["slug"], action["report_pk"], "followup:report")
            action["what_short"] = Truncator(action["what"]).words(16, truncate=" …")
            action["status_label"] = statuses[action["status"]]
            action["is_late"] = action["due_on"] < today
            message = _("overdue since %(date)s") if action["is_late"] else _("due on %(date)s")
            action["due_note"] = _phrase(message, date=dates(action["due_on"]))
        if actions:
            yield Panel("followup/_attention_actions.html", actions, order=6)
    readers_only = not access.anywhere(Capability.SUBMIT_FOLLOWUP) and not access.anywhere(
        Capability.REVIEW_FOLLOWUP
    )
    if readers_only and access.anywhere(Capability.READ_REPORTS):
        approved = _with_texts(_LATEST_APPROVED.fetch(*reader_lists(access)))
        if approved:
            yield Panel("followup/_attention_approved.html", approved, order=50)
