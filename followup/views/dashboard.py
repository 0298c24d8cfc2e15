"""A cycle's dashboard and its exports."""

from collections import Counter
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from followup import reminders, stats
from followup.insets import insets_for
from followup.models import Action, Answer, Question, Report
from followup.models.reports import ReportUnit, display, reader_lists
from followup.spreadsheets import csv_response, xlsx_response
from followup.views.common import cycle_for
from programmes.references import format_paragraph
from responsibilities.access import access_for
from responsibilities.audit import AuditEvent, record
from responsibilities.capabilities import Capability
from responsibilities.links import page_url
from responsibilities.statements import Statement, StatementPerShape


@dataclass(slots=True)
class ReportRow:
    """A report as the dashboard lists it: the values it shows, not a model instance (a
    municipality has some forty reporting units, and the page reads every one)."""

    pk: int
    status: str
    status_label: str
    unit: ReportUnit
    url: str | None  # None when the person may not open the report
    submitted: str  # the day submitted, or "–"
    committee: str  # the committee's date and §, or "–"


# What the dashboard shows of a report (report_rows()).
REPORT_FIELDS = (
    "pk",
    "status",
    "unit_id",
    "unit__name",
    "unit__municipality_id",
    "submitted_at",
    "committee_date",
    "committee_paragraph",
)


def cycle_report_rows(programme_id: int, year_before: int, year: int):
    """The dashboard's one query of reports: the cycle's year's and the year before's cycles
    (`stats.years_of_programme()`), each with its reports' REPORT_FIELDS, in the units' order."""
    return (
        stats.years_of_programme(programme_id, year_before, year)
        .values_list("pk", "year", "version__number", *(f"reports__{f}" for f in REPORT_FIELDS))
        .order_by("reports__unit__path")
    )


# `cycle_report_rows()` compiled once per process.
CYCLE_REPORT_ROWS = Statement(
    cycle_report_rows, (-7_300_427_001, 1003, 1005), (-7_300_427_003, 1007, 1009)
)


def report_rows(rows, slug: str, access) -> list[ReportRow]:
    """The reports of the rows (REPORT_FIELDS), each marked whether the person may open it
    (by `Report.readable_in()`, the rule of `visible_to()`, without a subquery per row)."""
    labels = {value: str(label) for value, label in Report.Status.choices}
    here = timezone.get_current_timezone()  # once, not per row
    reports = []
    for (
        pk,
        status,
        unit_id,
        unit_name,
        municipality_id,
        submitted_at,
        committee_on,
        paragraph,
    ) in rows:
        unit = ReportUnit(unit_id, municipality_id, unit_name)
        readable = Report.readable_in(access, status, unit)
        committee = "–"
        if committee_on:
            committee = committee_on.isoformat()
            if paragraph:
                committee += f", {format_paragraph(paragraph)}"
        reports.append(
            ReportRow(
                pk,
                status,
                labels.get(status, status),
                unit,
                page_url(slug, pk, "followup:report") if readable else None,
                timezone.localtime(submitted_at, here).date().isoformat() if submitted_at else "–",
                committee,
            )
        )
    return reports


@login_required
@require_safe
def dashboard(request, municipality, pk):
    cycle = cycle_for(request, municipality, pk)
    access = access_for(request)
    # Reviewers and managers follow every unit's progress; readers see approved reports only.
    sees_progress = access.in_municipality(
        Capability.REVIEW_FOLLOWUP, cycle.municipality
    ) or access.in_municipality(Capability.MANAGE_CYCLES, cycle.municipality)
    # The cycle's reports and, for their counts, last year's cycles with theirs: one query.
    rows = CYCLE_REPORT_ROWS.fetch(cycle.version.programme_id, cycle.year - 1, cycle.year)
    current, before = [], []
    for cycle_id, year, number, report_id, *fields in rows:
        if year != cycle.year:
            before.append((cycle_id, year, number, fields[0]))
        elif cycle_id == cycle.pk and report_id is not None:
            current.append((report_id, *fields))
    reports = report_rows(current, municipality, access)
    if not sees_progress:
        reports = [report for report in reports if report.url]  # those they may open
    readable_ids = {report.pk for report in reports if report.url}
    today = timezone.localdate()
    # The board report is recorded once; until then the form lists the units still missing.
    can_record_board = (
        access.in_municipality(Capability.REVIEW_FOLLOWUP, cycle.municipality)
        and not cycle.is_draft
        and cycle.board_date is None
    )
    missing = [r.unit for r in reports if r.status not in Report.APPROVED_STATES]
    counts = Counter(report.status for report in reports)
    previous_year, previous_counts = (
        stats.previous_status_counts(cycle, before) if sees_progress else (None, Counter())
    )
    columns = stats.area_columns(cycle)
    waiting = [r for r in reports if r.status in Report.OPEN_STATES]
    # The page's own links, from patterns reversed once per process (a {% url %} costs more).
    slug = cycle.municipality.slug
    urls = {
        "csv": page_url(slug, cycle.pk, "followup:export", fmt="csv"),
        "xlsx": page_url(slug, cycle.pk, "followup:export", fmt="xlsx"),
        "remind": page_url(slug, cycle.pk, "followup:cycle_remind"),
        "board": page_url(slug, cycle.pk, "followup:cycle_board"),
    }
    return render(
        request,
        "followup/dashboard.html",
        {
            "cycle": cycle,
            "municipality": cycle.municipality,
            "urls": urls,
            "rows": reports,
            "status_counts": [
                (status, label, counts[status], previous_counts[status])
                for status, label in Report.Status.choices
            ],
            "previous_year": previous_year,
            "overdue": waiting if cycle.is_overdue(today) else [],
            # Units × areas over what the reader may open; the trend over their approved ones.
            "unit_matrix": stats.unit_area_matrix(columns, reports, readable_ids),
            "trend": stats.attainment_trend(cycle, None, columns, access),
            "sees_progress": sees_progress,
            "insets": insets_for("cycle", cycle=cycle),
            "can_record_board": can_record_board,
            "can_remind": cycle.is_open
            and access.in_municipality(Capability.MANAGE_CYCLES, cycle.municipality),
            "waiting": waiting,
            "board_units": missing,  # the board form's units still without an approved report
            "board_missing": list(cycle.board_missing_units.order_by("path"))
            if cycle.board_date and sees_progress
            else [],
        },
    )


def _exported(cycle_id, *lists):
    """The cycle's reports visible by `reader_lists()`, drafts aside, in the units' order."""
    return (
        Report.objects.visible_by(*lists)
        .filter(cycle=cycle_id)
        .exclude(status=Report.Status.DRAFT)
        .values_list("pk", "unit__name", "status")
        .order_by("unit__path")
    )


def _answers(report_ids):
    """The reports' answers with their questions, in the questions' order (`answer_rows()`)."""
    return (
        Answer.objects.filter(report__any=report_ids)
        .values_list(
            "report_id",
            "question__answer_type",
            "question_text",
            "question__text",
            "question__area__text",
            *ANSWER_COLUMNS,
        )
        .order_by("question__position")
    )


# The value column of each answer type, in the order `_answers()` reads them.
ANSWER_COLUMNS = list(dict.fromkeys(Answer.FIELD_FOR_TYPE.values()))
# The export's queries, compiled once per process (and per shape of the reader's lists).
EXPORTED = StatementPerShape(_exported, plain=1)
ANSWERS = Statement(_answers, ((-7_300_465_001,),), ((-7_300_465_003, -7_300_465_005),))


def exported_reports(cycle, access) -> dict[int, tuple[str, str]]:
    """The cycle's reports the person may read (`Report.visible_to()`), drafts aside, in the
    units' order: each one's unit and status (its label, translated once, not per row)."""
    statuses = {value: str(label) for value, label in Report.Status.choices}
    reports = EXPORTED.fetch(cycle.pk, *reader_lists(access))
    return {pk: (unit, statuses.get(status, status)) for pk, unit, status in reports}


def answer_rows(reports: dict) -> tuple[list, list]:
    """Header and rows of the reports' answers: one row per answer, the report's in the order
    of its questions. Values rows (a municipality's cycle has hundreds of answers)."""
    header = [
        _("Unit"),
        _("Status"),
        _("Application area"),
        _("Question"),
        _("Answer"),
        _("The question now, if reworded since"),
    ]
    general = _("General")
    value_of = {kind: ANSWER_COLUMNS.index(field) for kind, field in Answer.FIELD_FOR_TYPE.items()}
    few = {Question.AnswerType.SCALE, Question.AnswerType.YES_NO}
    shown = {}  # a scale's or a yes/no's few values in words, each translated once
    per_report = {pk: [] for pk in reports}
    answers = ANSWERS.fetch(list(reports)) if reports else []
    for report_id, kind, asked, now, area, *values in answers:
        value = values[value_of[kind]]
        if kind in few:
            if (kind, value) not in shown:
                shown[kind, value] = display(kind, value)
            text = shown[kind, value]
        else:
            text = display(kind, value)
        per_report[report_id].append(
            [
                *reports[report_id],
                general if area is None else area,
                asked,
                text,
                now if asked != now else "",
            ]
        )
    rows = [row for pk in reports for row in per_report[pk]]
    return header, rows


def action_rows(reports: dict) -> tuple[list, list]:
    """Header and rows of the reports' action plans, each report's in its order."""
    header = [_("Unit"), _("Action"), _("Responsible role"), _("Start"), _("Due"), _("Status")]
    statuses = {value: str(label) for value, label in Action.Status.choices}
    per_report = {pk: [] for pk in reports}
    for action in Action.objects.filter(report__in=list(reports)).select_related(
        "responsible_role"
    ):
        per_report[action.report_id].append(action)
    rows = [
        [
            unit,
            action.what,
            action.responsible_role.display_name if action.responsible_role else "",
            action.starts_on,
            action.due_on,
            statuses.get(action.status, action.status),
        ]
        for pk, (unit, _status) in reports.items()
        for action in per_report[pk]
    ]
    return header, rows


@login_required
@require_safe
def export(request, municipality, pk, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    cycle = cycle_for(request, municipality, pk)
    reports = exported_reports(cycle, access_for(request))
    header, rows = answer_rows(reports)
    name = f"uppfoljning-{cycle.municipality.slug}-{cycle.year}"
    record(
        AuditEvent.Action.EXPORTED,
        request=request,
        municipality=cycle.municipality,
        target=str(cycle),
        format=fmt,
        rows=len(rows),
    )
    if fmt == "csv":
        return csv_response(name, header, rows)
    answers = [[str(value) if value is not None else "" for value in row] for row in rows]
    action_header, actions = action_rows(reports)  # the action plan is a sheet of the workbook
    return xlsx_response(
        name, [(_("Answers"), header, answers), (_("Action plan"), action_header, actions)]
    )


@login_required
@require_POST
def remind(request, municipality, pk):
    """ "Send a reminder now" to the units that have not submitted (once a day per unit)."""
    cycle = cycle_for(request, municipality, pk, Capability.MANAGE_CYCLES)
    if not cycle.is_open:
        messages.error(request, _("Reminders can only be sent while the follow-up is open."))
        return redirect("followup:cycle", municipality=municipality, pk=cycle.pk)
    reminded, already, nobody = reminders.remind_now(cycle, by=request.user)
    if reminded:
        messages.success(
            request,
            ngettext(
                "A reminder was sent to %(count)d unit: %(units)s.",
                "A reminder was sent to %(count)d units: %(units)s.",
                len(reminded),
            )
            % {"count": len(reminded), "units": ", ".join(reminded)},
        )
    if already:
        messages.warning(
            request,
            _("Already reminded today, nothing new was sent: %(units)s. Try again tomorrow.")
            % {"units": ", ".join(already)},
        )
    if nobody:
        messages.warning(
            request,
            _("Nobody holds the role that submits the report of: %(units)s.")
            % {"units": ", ".join(nobody)},
        )
    if not (reminded or already or nobody):
        messages.info(request, _("Every unit has submitted its report: nobody to remind."))
    return redirect("followup:cycle", municipality=municipality, pk=cycle.pk)
