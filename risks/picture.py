"""The risk picture in figures: counts per area, type and year, open and closed, the highest
risks of the register, and a likelihood × consequence matrix. Each function runs a fixed
number of aggregate queries however many reports there are."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import CharField, Count, F, IntegerField, Subquery, Value, Window
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from responsibilities.models import Municipality
from responsibilities.statements import Statement
from risks.models import Level, RiskEntry, RiskReport, RiskSettings

HIGHEST = 5
YEARS_SHOWN = 5
CELL = 56
LEFT = 96
TOP = 8
BOTTOM = 64


@dataclass
class Cell:
    likelihood: int
    consequence: int
    count: int
    level: str
    level_label: str
    x: int = 0
    y: int = 0


@dataclass
class Matrix:
    """A likelihood × consequence grid, drawn as SVG by the `risk_matrix` tag (every cell
    carries its number and level as text) and given as a table beside it."""

    likelihood_levels: int
    consequence_levels: int
    rows: list = field(default_factory=list)  # [(likelihood, [Cell])], highest first
    total: int = 0
    cell: int = CELL
    left: int = LEFT

    @property
    def width(self) -> int:
        return LEFT + self.consequence_levels * CELL + 8

    @property
    def height(self) -> int:
        return TOP + self.likelihood_levels * CELL + BOTTOM

    @property
    def axis_y(self) -> int:
        return TOP + self.likelihood_levels * CELL

    @property
    def columns(self) -> list:
        return [
            (c, LEFT + (c - 1) * CELL + CELL // 2) for c in range(1, self.consequence_levels + 1)
        ]

    @property
    def description(self) -> str:
        parts = [
            _("likelihood %(l)s, consequence %(c)s: %(n)s")
            % {"l": cell.likelihood, "c": cell.consequence, "n": cell.count}
            for _l, cells in self.rows
            for cell in cells
            if cell.count
        ]
        return "; ".join(parts) or _("No assessed risks.")


def matrix(counts: Counter, scale: RiskSettings) -> Matrix:
    grid = Matrix(scale.likelihood_levels, scale.consequence_levels, total=sum(counts.values()))
    labels = dict(Level.choices)
    for row, likelihood in enumerate(range(scale.likelihood_levels, 0, -1)):
        cells = []
        for consequence in range(1, scale.consequence_levels + 1):
            level = scale.level(likelihood, consequence)
            cells.append(
                Cell(
                    likelihood,
                    consequence,
                    counts.get((likelihood, consequence), 0),
                    level,
                    str(labels[level]),
                    x=LEFT + (consequence - 1) * CELL,
                    y=TOP + row * CELL,
                )
            )
        grid.rows.append((likelihood, cells))
    return grid


def kinds() -> list[tuple[str, str]]:
    return list(RiskReport.Kind.choices)


@dataclass
class UnitPicture:
    """One unit's (and its sub-units') year: for the unit's yearly report."""

    year: int
    unit_name: str
    areas: list  # [(area label, [count per kind], total)]
    kinds: list
    open: int
    closed: int
    total: int
    highest: list  # [(entry, level label)]
    register_count: int


def _area_label(text) -> str:
    return text or _("No application area")


class HighRisk(NamedTuple):
    """One of the highest risks of a unit's register, as the unit's report shows it."""

    title: str
    confidential: bool
    likelihood: int
    consequence: int
    unit_name: str
    register_count: int
    likelihood_levels: int | None  # the municipality's scale (None: the defaults)
    consequence_levels: int | None


def _unit_counts(municipality_id, path, year):
    # The path as a value (not a literal pattern): the SQL keeps one shape for every unit.
    return (
        RiskReport.objects.filter(
            municipality_id=municipality_id, unit__path__startswith=Value(path), year=year
        )
        .values_list("area__text", "kind", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _unit_highest(municipality_id, path):
    # The highest entries only, with the number of them all (a window over the rows before
    # the limit): the register may hold hundreds. Rows of the columns shown, the scale's
    # sizes with them (model instances of entry, unit and settings cost more than the query).
    return (
        RiskEntry.objects.active()
        .filter(municipality_id=municipality_id, unit__path__startswith=Value(path))
        .annotate(product=F("likelihood") * F("consequence"), register_count=Window(Count("pk")))
        .order_by("-product", "title", "-likelihood")
        .values_list(
            "title",
            "confidential",
            "likelihood",
            "consequence",
            "unit__name",
            "register_count",
            "municipality__risk_settings__likelihood_levels",
            "municipality__risk_settings__consequence_levels",
        )[:HIGHEST]
    )


# Both compiled once per process: the report page shows them for every report (issue 16).
_UNIT_COUNTS = Statement(
    _unit_counts,
    (-7_300_417_017, "-7300417019", 1901),
    (-7_300_417_023, "-7300417025", 1903),
)
_UNIT_HIGHEST = Statement(
    _unit_highest, (-7_300_417_029, "-7300417031"), (-7_300_417_033, "-7300417035")
)


def unit_picture(unit, year: int) -> UnitPicture:
    """Two queries: counts per area, kind and state; the register's entries with the scale
    (which only their levels need)."""
    by_area: dict = defaultdict(Counter)
    state: Counter = Counter()
    for area, kind, status, n in _UNIT_COUNTS.fetch(unit.municipality_id, unit.path, year):
        by_area[area][kind] += n
        state["open" if status in RiskReport.OPEN_STATES else "closed"] += n
    entries = [HighRisk(*row) for row in _UNIT_HIGHEST.fetch(unit.municipality_id, unit.path)]
    top = entries[0] if entries else None
    scale = RiskSettings.from_levels(
        unit.municipality_id,
        top and top.likelihood_levels,
        top and top.consequence_levels,
    )
    labels = dict(Level.choices)
    codes = [code for code, _label in RiskReport.Kind.choices]
    areas = sorted(
        (
            (_area_label(area), [counts.get(code, 0) for code in codes], sum(counts.values()))
            for area, counts in by_area.items()
        ),
        key=lambda row: row[0],
    )
    return UnitPicture(
        year=year,
        unit_name=unit.name,
        areas=areas,
        kinds=kinds(),
        open=state["open"],
        closed=state["closed"],
        total=state["open"] + state["closed"],
        highest=[(e, str(labels[scale.level(e.likelihood, e.consequence)])) for e in entries],
        register_count=entries[0].register_count if entries else 0,
    )


@dataclass
class AreaYears:
    """Counts per area and year, the year's matrix, for a municipality or under a unit."""

    years: list
    areas: list  # [(area label, [count per year])]
    totals: list  # [count per year]
    matrix: Matrix
    year: int
    kinds: list  # [(label, count this year)]
    register_count: int


def area_year_rows(municipality_id: int, first: int, year: int, under_path: str | None = None):
    """The counts per area, year, kind and cell of the years `first`..`year`, and after them
    one row with the municipality's scale and the number of entries in its register (its year
    empty); under a unit's path, that unit's and its sub-units' only."""
    reports = RiskReport.objects.filter(
        municipality_id=municipality_id, year__gte=first, year__lte=year
    )
    entries = RiskEntry.objects.active().filter(municipality_id=municipality_id)
    if under_path is not None:
        reports = reports.filter(unit__path__startswith=under_path)
        entries = entries.filter(unit__path__startswith=under_path)
    register = entries.order_by().values("municipality").annotate(n=Count("pk")).values("n")
    scale_row = (
        Municipality.objects.filter(pk=municipality_id)
        .values_list(
            Value(None, output_field=CharField()),
            Value(None, output_field=IntegerField()),
            "risk_settings__likelihood_levels",
            "risk_settings__consequence_levels",
            Value(None, output_field=CharField()),
            Coalesce(Subquery(register), 0),
        )
        .order_by()
    )
    return (
        reports.values_list("area__text", "year", "likelihood", "consequence", "kind")
        .annotate(n=Count("pk"))
        .order_by()
        .union(scale_row, all=True)
    )


# `area_year_rows()` of a whole municipality, compiled once per process (the dashboard's risk
# inset): the ORM's build and compile cost more than the query.
MUNICIPALITY_YEAR_ROWS = Statement(
    area_year_rows, (-7_300_421_001, 1003, 1007), (-7_300_421_003, 1005, 1009)
)


def area_years(municipality_id, year: int, under=None) -> AreaYears:
    """One query: the counts (per area, year, kind and cell), and after them one row with the
    municipality's scale and the number of entries in its register (its year empty)."""
    first = year - YEARS_SHOWN + 1
    if under is None:
        rows = MUNICIPALITY_YEAR_ROWS.fetch(municipality_id, first, year)
    else:
        rows = list(area_year_rows(municipality_id, first, year, under.path))
    *rows, (_t, _y, likelihood_levels, consequence_levels, _k, register_count) = sorted(
        rows, key=lambda row: row[1] is None
    )
    scale = RiskSettings.from_levels(municipality_id, likelihood_levels, consequence_levels)
    years = sorted({row[1] for row in rows} | {year})
    table: dict = defaultdict(Counter)
    cells: Counter = Counter()
    by_kind: Counter = Counter()
    for area, y, likelihood, consequence, kind, n in rows:
        table[_area_label(area)][y] += n
        if y != year:
            continue
        by_kind[kind] += n
        if likelihood and consequence:
            cells[(likelihood, consequence)] += n
    return AreaYears(
        years=years,
        areas=[(label, [table[label].get(y, 0) for y in years]) for label in sorted(table)],
        totals=[sum(table[label].get(y, 0) for label in table) for y in years],
        matrix=matrix(cells, scale),
        year=year,
        kinds=[(label, by_kind.get(code, 0)) for code, label in RiskReport.Kind.choices],
        register_count=register_count,
    )


def municipality_picture(municipality):
    """For the risk-picture page: the latest year with reports (or this year)."""
    from django.utils import timezone

    return area_years(municipality.pk, timezone.localdate().year)
