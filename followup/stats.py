"""Figures of a cycle for the dashboard and the consolidated annual report: one rule, used by
both. Each function is one or two queries, whatever the number of units, areas or years.

Goal attainment is counted from the scale answers; drafts never count. Years are compared in
shares of the answers (with the counts beside them), never in absolute counts, because the
number of approved reports differs from year to year."""

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q, Value
from django.utils.translation import gettext as _

from followup.models import Answer, Attainment, Cycle, Question, Report
from followup.models.reports import ReportUnit
from programmes import public_cache
from responsibilities.statements import Statement

LEVELS = [level for level, _label in Attainment.choices]
SCALE = Question.AnswerType.SCALE


def status_counts(reports) -> Counter:
    return Counter(dict(reports.values_list("status").annotate(n=Count("pk")).order_by()))


def with_year_before(cycle: Cycle):
    """`years_of_programme()` of the cycle's programme, year and the year before."""
    return years_of_programme(cycle.version.programme_id, cycle.year - 1, cycle.year)


def years_of_programme(programme_id: int, year_before: int, year: int):
    """The programme's cycles of the year and the year before (by the index of
    version and year): their values() rows over `reports__…` fields give every report of
    them, and a cycle without reports as one row of NULLs. Other cycles of the same year
    (another version's) are the caller's to leave out."""
    return Cycle.objects.filter(version__programme=programme_id, year__in=(year_before, year))


def previous_status_counts(cycle: Cycle, rows=None) -> tuple[int | None, Counter]:
    """The year before, when the programme had a cycle then, and the reports per status of
    that cycle (the newest version's, as `Cycle.previous()` finds it). `rows`: (cycle id,
    year, version number, report status) of `with_year_before(cycle)`, read here (one query)
    when the caller has not read them with its own."""
    if rows is None:
        rows = with_year_before(cycle).values_list(
            "pk", "year", "version__number", "reports__status"
        )
    before = [(number, pk, status) for pk, year, number, status in rows if year != cycle.year]
    if not before:
        return None, Counter()
    newest = max(before, key=lambda row: row[0])[1]  # the newest version's cycle
    return cycle.year - 1, Counter(
        status for _number, pk, status in before if pk == newest and status is not None
    )


# --- Shares ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """One attainment level's part of a number of answers."""

    level: str
    count: int
    total: int

    @property
    def label(self) -> str:
        return Attainment(self.level).label

    @property
    def percent(self) -> int | None:
        return percent_of(self.count, self.total)


def percent_of(count: int, total: int) -> int | None:
    """Whole percent, rounded half up; None when there is nothing to divide."""
    if not total:
        return None
    # count × 100 / total + ½, rounded down: in whole numbers, exact.
    return (count * 200 + total) // (total * 2)


@dataclass
class Tally:
    """Answers per attainment level, and each level's share of them."""

    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts[level] for level in LEVELS)

    @property
    def shares(self) -> list[Share]:
        total = self.total
        return [Share(level, self.counts[level], total) for level in LEVELS]


# --- Units × application areas ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """An application area of the cycle's programme version, or (area_id None) the general
    scale questions; `questions` is the number of scale questions about it in the cycle."""

    area_id: int | None
    text: str
    questions: int

    @property
    def label(self) -> str:
        return self.text or _("General questions")

    @property
    def anchor(self) -> str:
        """The id of the area's part on the report page."""
        return f"area-{self.area_id}" if self.area_id else "area-general"


def area_rows(version_id: int, cycle_id: int):
    """The version's application areas (id, text, section's and own position, False) and the
    cycle's scale questions (area id, text, 0, 0, True), in one UNION ALL."""
    areas = (
        Cycle(version_id=version_id)
        .application_areas()
        .values_list("pk", "text", "section__position", "position", Value(False))
        .order_by()
    )
    questions = (
        Question.objects.filter(cycle=cycle_id, answer_type=SCALE)
        .values_list("area_id", "text", Value(0), Value(0), Value(True))
        .order_by()
    )
    return areas.union(questions, all=True)


# `area_rows()` compiled once per process: its shape never changes, and the ORM's build and
# compile cost more than the query.
AREA_ROWS = Statement(area_rows, (-7_300_419_001, -7_300_419_003), (-7_300_419_005, -7_300_419_007))


def area_columns(cycle: Cycle) -> list[Column]:
    """The version's application areas in the programme's order, and a general column last
    when the cycle has scale questions without an area (named after the question when there
    is one). One query: the areas, and the cycle's scale questions (each one's area, and its
    text for a general one), counted here."""
    rows = AREA_ROWS.fetch(cycle.version_id, cycle.pk)
    per_area = Counter(area for area, _text, _s, _p, is_question in rows if is_question)
    columns = [
        Column(pk, text, per_area[pk])
        for pk, text, *_position, _q in sorted(
            (row for row in rows if not row[4]), key=lambda row: (row[2], row[3])
        )
    ]
    general = [text for area, text, _s, _p, is_question in rows if is_question and area is None]
    if general:
        columns.append(Column(None, general[0] if len(general) == 1 else "", len(general)))
    return columns


@dataclass
class Cell:
    """One unit's goal attainment in one column: its answers per level."""

    column: Column
    counts: Counter

    @property
    def answered(self) -> int:
        return sum(self.counts.values())

    @property
    def level(self) -> str | None:
        """The level, when the column has one scale question and it is answered."""
        if self.column.questions == 1 and self.answered:
            return next(iter(+self.counts))
        return None

    @property
    def summary(self) -> str:
        """In words: "Met", "Not answered", or "2 of 3 met" for several scale questions."""
        questions = self.column.questions
        if questions == 0:
            return _("Not asked")
        if questions == 1:
            return Attainment(self.level).label if self.level else _("Not answered")
        return _("%(met)s of %(total)s met") % {
            "met": self.counts[Attainment.MET],
            "total": questions,
        }

    @property
    def details(self) -> list[str]:
        """With several scale questions: the answers that were not "met", per level."""
        if self.column.questions < 2:
            return []
        rest = [
            f"{Attainment(level).label}: {self.counts[level]}"
            for level in LEVELS
            if level != Attainment.MET and self.counts[level]
        ]
        unanswered = self.column.questions - self.answered
        if unanswered > 0:
            rest.append(f"{_('Not answered')}: {unanswered}")
        return rest


@dataclass
class UnitRow:
    """A report's row: cells when its content counts, None for a draft or a report the
    reader may not open."""

    report: Report
    cells: list[Cell] | None


@dataclass
class UnitMatrix:
    columns: list[Column]
    rows: list[UnitRow]
    totals: list[Tally]  # per column, every counted row's answers together

    @property
    def counted(self) -> int:
        return sum(1 for row in self.rows if row.cells is not None)

    @property
    def column_totals(self) -> list[tuple[Column, Tally]]:
        return list(zip(self.columns, self.totals, strict=True))


def scale_answer_counts(report_ids):
    """The reports' scale answers counted per report, area and level: (report id, area id,
    level, count) rows."""
    return (
        Answer.objects.filter(report__any=report_ids, question__answer_type=SCALE)
        .exclude(attainment="")
        .values_list("report_id", "question__area_id", "attainment")
        .annotate(n=Count("pk"))
        .order_by()
    )


# `scale_answer_counts()` compiled once per process (the dashboard's matrix), the reports'
# ids one argument (on PostgreSQL; elsewhere the ORM builds it).
SCALE_ANSWER_COUNTS = Statement(
    scale_answer_counts, ((-7_300_433_001,),), ((-7_300_433_003, -7_300_433_005),)
)


def unit_area_matrix(columns: list[Column], reports, readable_ids) -> UnitMatrix:
    """One row per report (in the given order) × one column per area. A report counts when it
    is not a draft and its id is among `readable_ids` (what the reader may open); its cells
    hold its scale answers. One query."""
    counted = [
        report.pk
        for report in reports
        if report.status != Report.Status.DRAFT and report.pk in readable_ids
    ]
    found: dict[tuple, Counter] = defaultdict(Counter)
    per_area: dict[int | None, Counter] = defaultdict(Counter)  # the totals, as they are read
    if counted:
        for report_id, area_id, level, n in SCALE_ANSWER_COUNTS.fetch(tuple(counted)):
            found[report_id, area_id][level] += n
            per_area[area_id][level] += n
    counted_ids = set(counted)
    return UnitMatrix(
        columns=columns,
        totals=[Tally(per_area.get(c.area_id) or Counter()) for c in columns],
        rows=[
            UnitRow(
                report,
                [Cell(c, found.get((report.pk, c.area_id)) or Counter()) for c in columns]
                if report.pk in counted_ids
                else None,
            )
            for report in reports
        ],
    )


# --- Trend over the years --------------------------------------------------------------------


@dataclass
class TrendRow:
    """One year of a trend table: the approved reports behind it and their answers."""

    year: int
    current: bool
    reports: int
    tally: Tally


@dataclass
class TrendTable:
    """Goal attainment year by year, for all assessments together or for one area."""

    label: str
    rows: list[TrendRow]
    programme_text: bool = False  # the label is the programme's own (Swedish) text


def tallied(answers):
    """The scale answers among `answers` counted per cycle and area (its id and text), a count
    per level in the order of LEVELS: (cycle id, area id, area text, *counts) rows (a quarter
    of the rows of one per level, which the dashboard reads for every year)."""
    return (
        answers.filter(question__answer_type=SCALE)
        .exclude(attainment="")
        .values_list("report__cycle_id", "question__area_id", "question__area__text")
        .annotate(**{level: Count("pk", filter=Q(attainment=level)) for level in LEVELS})
        .order_by()
    )


def approved_answers(reports):
    """`tallied()` answers of the approved ones of `reports`."""
    return tallied(
        Answer.objects.filter(
            report__in=reports.filter(status__in=Report.APPROVED_STATES).values("pk")
        )
    )


def programme_answers(programme_id: int, year: int, municipality_id: int):
    """`approved_answers()` of the municipality's reports in the programme's cycles up to the
    year, without a subquery: for a reader of every approved report of the municipality."""
    return tallied(
        Answer.objects.filter(
            report__cycle__version__programme=programme_id,
            report__cycle__year__lte=year,
            report__unit__municipality=municipality_id,
            report__status__in=Report.APPROVED_STATES,
        )
    )


# `programme_answers()` compiled once per process (the dashboard's trend).
PROGRAMME_ANSWERS = Statement(
    programme_answers,
    (-7_300_423_001, 1003, -7_300_423_003),
    (-7_300_423_005, 1005, -7_300_423_007),
)


# An answer edited in the admin (the only way an approved report's answers change) shows in
# the trend within this time.
TREND_SECONDS = 600


def cached_programme_answers(
    programme_id: int, year: int, municipality_id: int, approved: list[tuple[int, int]]
) -> list[tuple]:
    """`PROGRAMME_ANSWERS` from the shared cache. `approved` is the number of approved reports
    of each of the programme's cycles up to the year ((cycle id, count) pairs), and the key:
    a report never leaves the approved states (`Report.APPROVED_STATES`) and their answers
    stay as they are, so the answers counted change only when another report of a cycle is
    approved, and the count of that cycle with it. The areas' texts come from the adopted
    versions: the published content's generation is in the key too. Past years are then
    read once, not on every view of the dashboard."""
    stamp = repr((programme_id, year, municipality_id, sorted(approved), public_cache.generation()))
    key = "trend-answers:" + hashlib.sha256(stamp.encode()).hexdigest()
    rows = cache.get(key)
    if rows is None:
        rows = PROGRAMME_ANSWERS.fetch(programme_id, year, municipality_id)
        cache.set(key, rows, TREND_SECONDS)
    return rows


def programme_reports(programme_id: int, year: int):
    """The programme's reports of the cycles up to the year: (cycle id, year, version number,
    status, unit id, its municipality id)."""
    return (
        Report.objects.filter(cycle__version__programme=programme_id, cycle__year__lte=year)
        .values_list(
            "cycle_id",
            "cycle__year",
            "cycle__version__number",
            "status",
            "unit_id",
            "unit__municipality_id",
        )
        .order_by()
    )


# `programme_reports()` compiled once per process (the dashboard's trend).
PROGRAMME_REPORTS = Statement(programme_reports, (-7_300_425_001, 1003), (-7_300_425_003, 1005))


def programme_statuses(programme_id: int, year: int):
    """The programme's reports of the cycles up to the year counted per cycle and status:
    (cycle id, year, version number, status, count)."""
    return (
        Report.objects.filter(cycle__version__programme=programme_id, cycle__year__lte=year)
        .values_list("cycle_id", "cycle__year", "cycle__version__number", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )


# `programme_statuses()` compiled once per process (the dashboard's trend).
PROGRAMME_STATUSES = Statement(programme_statuses, (-7_300_437_001, 1003), (-7_300_437_003, 1005))


def readable_per_cycle(rows, access) -> list[tuple[int, int, int, int]]:
    """From (cycle id, year, version number, status, unit id, its municipality id, number of
    reports) rows: each cycle with a report the person may read (by `Report.readable_in()`,
    the rule of `visible_to()`), with its number of approved ones they may read, in the order
    of year and version. A unit id None stands for any unit of the municipality (the person
    reads by status there: `Report.reads_by_status()`)."""
    found: dict[tuple, int] = {}
    readable: dict[tuple, bool] = {}  # a unit's reports of one status, over the years
    for cycle_id, year, number, status, unit_id, municipality_id, n in rows:
        seen = (status, unit_id, municipality_id)
        if seen not in readable:
            readable[seen] = Report.readable_in(
                access, status, ReportUnit(unit_id, municipality_id)
            )
        if readable[seen]:
            key = (year, number, cycle_id)
            found[key] = found.get(key, 0) + (n if status in Report.APPROVED_STATES else 0)
    return [(cycle_id, year, number, n) for (year, number, cycle_id), n in sorted(found.items())]


def readable_programme_reports(cycle: Cycle, access) -> list[tuple[int, int, int, int]]:
    """`readable_per_cycle()` of the cycle's programme up to its year: from the reports
    counted per cycle and status when which ones the person may read depends on their status
    only (the programme's reports are its municipality's units'), else from every report."""
    programme_id, municipality_id = cycle.version.programme_id, cycle.municipality.pk
    if Report.reads_by_status(access):
        rows = PROGRAMME_STATUSES.fetch(programme_id, cycle.year)
        return readable_per_cycle(
            ((c, y, number, status, None, municipality_id, n) for c, y, number, status, n in rows),
            access,
        )
    rows = PROGRAMME_REPORTS.fetch(programme_id, cycle.year)
    return readable_per_cycle((row + (1,) for row in rows), access)


def attainment_trend(cycle: Cycle, reports, columns: list[Column], access=None) -> list[TrendTable]:
    """The programme's follow-ups of every year up to the cycle's (earlier versions' too; of
    two cycles in one year the newer version's): per year the number of approved reports
    among `reports` (a queryset: the reader's or the committee's) and the share of their
    scale answers at each level. First all assessments together, then per application area
    (matched by its text across versions; areas of earlier versions only after the current
    ones), then the general questions. Two queries.

    With `access` (and `reports` None), the reports are those the person may read: the
    programme's are sorted by `Report.readable_in()` in Python (counted per status when that
    is all it depends on), and for a reader of every
    approved report of the municipality (the programme's reports are its units') the
    answers are read without the visibility condition, both by queries compiled once."""
    programme_id = cycle.version.programme_id
    if access is not None:
        per_cycle = readable_programme_reports(cycle, access)
    else:
        # Every cycle with a report in scope, with its number of approved ones.
        per_cycle = (
            reports.filter(cycle__version__programme=programme_id, cycle__year__lte=cycle.year)
            .values_list("cycle_id", "cycle__year", "cycle__version__number")
            .annotate(approved=Count("pk", filter=Q(status__in=Report.APPROVED_STATES)))
            .order_by("cycle__year", "cycle__version__number")
        )
    chosen: dict[int, tuple[int, int]] = {cycle.year: (cycle.pk, 0)}  # year → (cycle, reports)
    for cycle_id, year, _number, n in per_cycle:
        if year != cycle.year or cycle_id == cycle.pk:
            chosen[year] = (cycle_id, n)  # ordered by version: the newest one stays
    year_of = {cycle_id: year for year, (cycle_id, _n) in chosen.items()}

    if access is not None and Report.reads_all_approved(access, cycle.municipality.pk):
        answers = cached_programme_answers(
            programme_id,
            cycle.year,
            cycle.municipality.pk,
            [(cycle_id, n) for cycle_id, _year, _number, n in per_cycle],
        )
    else:
        if reports is None:
            reports = Report.objects.visible_to(access.user)
        # The chosen cycles as literal ids: PostgreSQL then reaches the reports by their cycle
        # index and the answers by their report index (not by reading every answer).
        answers = approved_answers(reports.filter(cycle__in=sorted(year_of)))
    overall: dict[int, Counter] = defaultdict(Counter)
    by_key: dict[tuple, dict[int, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for cycle_id, area_id, text, *counts in answers:
        year = year_of.get(cycle_id)
        if year is None:
            continue
        area = by_key[("area", text) if area_id else ("general",)][year]
        for level, n in zip(LEVELS, counts, strict=True):
            if n:
                overall[year][level] += n
                area[level] += n

    years = sorted(chosen)

    def table(label, counts, programme_text=True):
        return TrendTable(
            label,
            [
                TrendRow(
                    year,
                    year == cycle.year,
                    chosen[year][1],
                    Tally(counts.get(year) or Counter()),
                )
                for year in years
            ],
            programme_text,
        )

    tables = [table(_("All assessments"), overall, programme_text=False)]
    for column in columns:
        if column.area_id:
            tables.append(table(column.label, by_key.pop(("area", column.text), {})))
    general = by_key.pop(("general",), None)
    for key in sorted(by_key):
        tables.append(table(key[1], by_key[key]))
    general_column = next((c for c in columns if c.area_id is None), None)
    if general is not None or general_column is not None:
        text = general_column.text if general_column else ""
        tables.append(table(text or _("General questions"), general or {}, bool(text)))
    return tables
