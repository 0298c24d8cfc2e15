"""Report data and print HTML for the follow-up PDFs: one unit's report, and the consolidated
annual report for the executive board (all units) or a committee (the units under it).

The consolidated reports show the content (answers, attainment, actions) of approved reports
only, i.e. approved or reported to committee; every other unit is listed with its status.
PDFs are rendered with programmes.pdf (same fetcher, stylesheet and PDF/A-2a variant) and kept
in the file storage as followup/pdf/<content hash>.pdf, served only by the access-checked view.
"""

from dataclasses import dataclass, field

from django.db.models import Max, Prefetch
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from followup import stats
from followup.insets import insets_for
from followup.models import (
    Action,
    Answer,
    Attainment,
    Cycle,
    Question,
    Report,
    ReportFile,
)
from programmes import pdf
from programmes.templatetags.programmes import percent
from responsibilities.models import OrganisationUnit

FOLDER = "followup/pdf"


# --- Data ------------------------------------------------------------------------------------


def cycle_questions(cycle: Cycle) -> list[Question]:
    return list(cycle.questions.select_related("area").order_by("position"))


def group_by_area(questions):
    """[(area label, [question])] in question order; the general questions under "General"."""
    groups: dict = {}
    for question in questions:
        key = question.area_id
        label = question.area.text if question.area else _("General questions")
        groups.setdefault(key, (label, []))[1].append(question)
    general = groups.pop(None, None)
    return [*groups.values(), *([general] if general else [])]


def person_name(user) -> str:
    if user is None:
        return "–"
    return user.get_full_name() or user.username


@dataclass
class UnitDocument:
    report: Report
    areas: list  # [(label, [(question, answer or None)])]
    events: list  # [(event, who)]
    insets: list = field(default_factory=list)  # from apps above (followup.insets)

    @property
    def source_updated_at(self):
        return self.report.updated_at


def unit_document(report: Report) -> UnitDocument:
    """A report from `Report.objects.with_contents()`, arranged for the PDF."""
    answers = {answer.question_id: answer for answer in report.answers.all()}
    areas = [
        (label, [(question, answers.get(question.pk)) for question in questions])
        for label, questions in group_by_area(report.cycle.questions.all())
    ]
    events = [(event, person_name(event.by)) for event in report.events.all()]
    return UnitDocument(
        report=report, areas=areas, events=events, insets=insets_for("report", report=report)
    )


@dataclass
class Bar:
    label: str
    value: int
    y: int
    width: int
    hollow: bool = False
    text: str = ""  # the value as printed beside the bar


@dataclass
class Chart:
    """A horizontal bar chart drawn as SVG by the template: every bar carries its number as
    text, and a second series is drawn hollow, so nothing depends on colour."""

    title: str
    description: str
    groups: list = field(default_factory=list)  # [(label, y, [Bar])]
    height: int = 0
    legend: list = field(default_factory=list)  # [(label, hollow, y)]

    LABEL_WIDTH = 190
    BAR_AREA = 300
    BAR_HEIGHT = 16
    WIDTH = 600


def bar_chart(title: str, rows, series: list[str], text=str) -> Chart:
    """rows: [(group label, [value per series, None for no bar])]; `text` prints a value."""
    chart = Chart(title=title, description="")
    top = max([value for _label, values in rows for value in values if value is not None] or [0])
    y = 4
    if len(series) > 1:
        for index, name in enumerate(series):
            chart.legend.append((name, index > 0, y))
            y += 20
        y += 6
    described = []
    for label, values in rows:
        bars = []
        group_y = y
        for index, value in enumerate(values):
            if value is None:
                continue
            width = round(Chart.BAR_AREA * value / top) if top else 0
            bars.append(
                Bar(
                    label=series[index],
                    value=value,
                    y=y,
                    width=width,
                    hollow=index > 0,
                    text=text(value),
                )
            )
            y += Chart.BAR_HEIGHT + 4
        described.append(
            f"{label}: " + ", ".join(f"{bar.label} {bar.text}" for bar in bars)
            if len(series) > 1
            else f"{label}: {text(values[0])}"
        )
        chart.groups.append((label, group_y, bars))
        y += 10
    chart.height = y
    chart.description = "; ".join(described) + "."
    return chart


def trend_chart(table: stats.TrendTable) -> Chart:
    """All assessments' shares per level: this year solid, the years before hollow (newest
    first); a year without answers in approved reports has no bars."""
    rows = list(reversed(table.rows))
    return bar_chart(
        _("Goal attainment, share of the assessments in approved reports"),
        [
            (label, [row.tally.shares[index].percent for row in rows])
            for index, (_level, label) in enumerate(Attainment.choices)
        ],
        [str(row.year) for row in rows],
        text=percent,
    )


@dataclass
class Consolidated:
    cycle: Cycle
    committee: OrganisationUnit | None
    reports: list  # every report in scope, unit path order
    approved: list  # the approved ones, with contents
    unit_matrix: stats.UnitMatrix  # the approved reports × application areas
    trend: list  # [stats.TrendTable]: all assessments, then per area, year by year
    areas: list  # [(label, [(question, [(unit name, text, wording answered if other)])])]
    actions: list  # [(unit name, action)]
    not_approved: list
    status_chart: Chart
    attainment_chart: Chart
    source_updated_at: object
    board_missing: list  # unit names reported to the board without an approved report
    insets: list = field(default_factory=list)  # from apps above (followup.insets)

    @property
    def municipality(self):
        return self.cycle.municipality


def units_scope(committee: OrganisationUnit | None):
    """The reports of every year that a report covers: all, or those of the committee's units."""
    if committee is None:
        return Report.objects.all()
    return Report.objects.filter(unit__path__startswith=committee.path)


def scope_reports(cycle: Cycle, committee: OrganisationUnit | None):
    return units_scope(committee).filter(cycle=cycle)


def consolidated(cycle: Cycle, committee: OrganisationUnit | None = None) -> Consolidated:
    """The consolidated annual report of a cycle, for the board (all units) or a committee."""
    scoped = scope_reports(cycle, committee)
    reports = list(
        scoped.select_related("unit")
        .prefetch_related(
            # Without the question join: the cycle's questions are attached below, once.
            Prefetch("answers", queryset=Answer.objects.order_by("question_id")),
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("responsible_role").order_by(
                    "position", "pk"
                ),
            ),
        )
        .order_by("unit__path")
    )
    approved = [report for report in reports if report.is_approved]
    questions = cycle_questions(cycle)
    question_by_id = {question.pk: question for question in questions}
    for report in approved:
        for answer in report.answers.all():
            answer.question = question_by_id[answer.question_id]
    groups = group_by_area(questions)
    scale = Question.AnswerType.SCALE
    by_report = {r.pk: {a.question_id: a for a in r.answers.all()} for r in approved}

    # Units × areas and the years before, by the dashboard's rule, over approved reports only.
    columns = stats.area_columns(cycle)
    unit_matrix = stats.unit_area_matrix(columns, approved, {r.pk for r in approved})
    trend = stats.attainment_trend(cycle, units_scope(committee), columns)

    # Per area, every unit's text answers grouped per question.
    areas = []
    for label, area_questions in groups:
        entries = []
        for question in area_questions:
            if question.answer_type == scale:
                continue
            answers = []
            for report in approved:
                answer = by_report[report.pk].get(question.pk)
                if answer is not None and answer.is_filled:
                    # Reworded after this unit answered: the words it answered, beside.
                    wording = answer.question_text if answer.question_changed else ""
                    answers.append((report.unit.name, answer.display_value, wording))
            entries.append((question, answers))
        areas.append((label, entries))

    actions = [(report.unit.name, action) for report in approved for action in report.actions.all()]
    not_approved = [report for report in reports if not report.is_approved]

    counts = stats.status_counts(scoped)
    status_chart = bar_chart(
        _("Reports per status"),
        [(label, [counts.get(status, 0)]) for status, label in Report.Status.choices],
        [_("Number of reports")],
    )
    attainment_chart = trend_chart(trend[0])
    source = max((report.updated_at for report in reports), default=None)
    return Consolidated(
        cycle=cycle,
        committee=committee,
        reports=reports,
        approved=approved,
        unit_matrix=unit_matrix,
        trend=trend,
        areas=areas,
        actions=actions,
        not_approved=not_approved,
        status_chart=status_chart,
        attainment_chart=attainment_chart,
        source_updated_at=source,
        board_missing=list(
            cycle.board_missing_units.order_by("path").values_list("name", flat=True)
        )
        if cycle.board_date and committee is None
        else [],
        insets=insets_for("cycle", cycle=cycle, committee=committee),
    )


# --- HTML and PDF ----------------------------------------------------------------------------


def _render(template: str, context: dict, language: str) -> str:
    with translation.override(language):
        return render_to_string(
            template,
            {
                **context,
                "language": language,
                "page_counter": pdf.page_counter_css(_("page {page} of {pages}")),
            },
        )


def unit_html(document: UnitDocument, *, language: str) -> str:
    report = document.report
    return _render(
        "pdf/followup_unit.html",
        {
            "document": document,
            "report": report,
            "cycle": report.cycle,
            "municipality": report.cycle.municipality,
        },
        language,
    )


def consolidated_html(document: Consolidated, *, language: str) -> str:
    return _render(
        "pdf/followup_consolidated.html",
        {"document": document, "cycle": document.cycle, "municipality": document.municipality},
        language,
    )


def store_pdf(html: str) -> tuple[str, str]:
    """(content key, name in the file storage) of the PDF of this HTML, rendered only if no
    file of the same content exists yet (programmes.pdf.render_html_pdf in the reports' folder)."""
    rendered = pdf.render_html_pdf(html, folder=FOLDER)
    return rendered.key, rendered.name


def file_html(row: ReportFile) -> tuple[str, object]:
    """(print HTML, newest change among its reports) for a file row, from fresh data."""
    cycle = Cycle.objects.with_programme().get(pk=row.cycle_id)
    if row.kind == ReportFile.Kind.UNIT:
        report = Report.objects.with_contents().get(cycle=cycle, unit=row.unit_id)
        document = unit_document(report)
        return unit_html(document, language=row.language), document.source_updated_at
    committee = row.unit if row.kind == ReportFile.Kind.COMMITTEE else None
    document = consolidated(cycle, committee)
    return consolidated_html(document, language=row.language), document.source_updated_at


def render_file(row: ReportFile) -> None:
    """Make the row's PDF (or find it in the cache) and mark the row ready."""
    html, source_updated_at = file_html(row)
    key, relative = store_pdf(html)
    row.finish(content_key=key, file_path=relative, source_updated_at=source_updated_at)


def filename_for(row: ReportFile) -> str:
    """A readable Swedish file name, e.g. "Uppföljning 2025 – Sektor utbildning.pdf"."""
    scope = _("executive board") if row.kind == ReportFile.Kind.BOARD else row.unit.name
    name = _("Follow-up %(year)s – %(scope)s") % {"year": row.cycle.year, "scope": scope}
    return name.replace("/", "-").replace("\\", "-")[:150] + ".pdf"


def newest(reports) -> object:
    return reports.aggregate(newest=Max("updated_at"))["newest"]
