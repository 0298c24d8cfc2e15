"""The dashboard's large tables, written here rather than by template tags per cell: some
forty units × the areas, and every year × the attainment levels, are several hundred cells,
and a tag, filter and lookup per cell cost more than the whole page may (issue 16). The
markup is the one the templates wrote; each text is translated and escaped once per table,
and every cell's value escaped as a template would."""

import functools
import html
from collections.abc import Mapping

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from followup.forms import ExecutiveBoardForm
from followup.models import Attainment, Report
from followup.stats import LEVELS, TrendTable, UnitMatrix, percent_of
from programmes.templatetags.programmes import percent

register = template.Library()
SWEDISH = ' lang="sv"'  # the programme's own text in an English page


def esc(text) -> str:
    """conditional_escape() for the plain strings here, without its lazy-string wrapper per
    call (the result is marked safe once, as the whole table)."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))


@functools.lru_cache(maxsize=512)
def percent_text(language: str, value: int | None) -> str:
    """A whole percentage as the language writes it (the `percent` filter), escaped: at most
    101 values per language, each formatted once per process."""
    return esc(percent(value))


class ShareCells:
    """Each level's share of a tally as the dashboard writes it: "60 % <span…>(3 of 5)</span>".
    A cell depends on its count and total only, and a page's few hundred cells have a few
    dozen of those pairs: each is written once per table set."""

    def __init__(self):
        self.of = esc(_("%(count)s of %(total)s"))  # filled in with numbers only
        self.language = get_language()
        self.written: dict[tuple[int, int], str] = {}

    def __call__(self, counts: Mapping[str, int], total: int) -> list[str]:
        """The cells of a tally's `counts` (Tally.counts) of `total` answers (Tally.total)."""
        cells = []
        for level in LEVELS:
            count = counts[level]
            cell = self.written.get((count, total))
            if cell is None:
                value = percent_text(self.language, percent_of(count, total))
                of = self.of % {"count": count, "total": total}
                cell = self.written[count, total] = f'{value} <span class="meta">({of})</span>'
            cells.append(cell)
        return cells


@register.filter
def status_table(counts, previous_year) -> SafeString:
    """The head and body of the reports per status: each status's count, and last year's in
    brackets when the programme had a cycle then."""
    head = "".join(f'<th scope="col">{esc(label)}</th>' for _status, label, _n, _before in counts)
    cells = "".join(
        f"<td>{n} ({before})</td>" if previous_year else f"<td>{n}</td>"
        for _status, _label, n, before in counts
    )
    return mark_safe(  # noqa: S308 - the labels escaped, the rest numbers
        f"<thead><tr>{head}</tr></thead>\n    <tbody><tr>{cells}</tr></tbody>"
    )


@register.filter
def status_rows(reports) -> SafeString:
    """The units (views.dashboard.ReportRow) with their report's status, the day it was
    submitted and its committee meeting; the unit's name links to the report when the person
    may open it."""
    out = []
    for report in reports:
        unit = esc(report.unit.name)
        if report.url:
            unit = f'<a href="{esc(report.url)}">{unit}</a>'
        out.append(
            f'<tr><th scope="row">{unit}</th><td><span class="status status-{esc(report.status)}">'
            f"{esc(report.status_label)}</span></td><td>{esc(report.submitted)}</td>"
            f"<td>{esc(report.committee)}</td></tr>"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag
def board_fields(missing) -> SafeString:
    """The executive board form's fields, unbound (the meeting date, the §, and the units
    still without an approved report to confirm), for `missing` (ReportUnit tuples). They
    depend on the language and those units only: written once per process for each, not
    built and written on every view of the dashboard (a tenth of the page)."""
    return _board_fields(get_language(), tuple(missing))


@functools.lru_cache(maxsize=256)
def _board_fields(language: str, missing: tuple) -> SafeString:
    form = ExecutiveBoardForm(prefix="board", missing=list(missing))
    return render_to_string("followup/_board_fields.html", {"board_form": form})


@register.filter
def unit_checkboxes(field, units) -> SafeString:
    """A checkbox per unit for a multiple-choice field of an unbound form, as its widget
    would write them (without a template per option)."""
    name, auto_id = esc(field.html_name), esc(field.auto_id)
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<div class="choice"><input type="checkbox" name="{name}" value="{unit.pk}" '
            f'id="{auto_id}_{index}"> <label for="{auto_id}_{index}">{esc(unit.name)}</label></div>'
            for index, unit in enumerate(units)
        )
    )


@register.filter
def matrix_rows(matrix: UnitMatrix) -> SafeString:
    """The rows of units × areas: a unit with its report's status, and per area its
    assessment linked to that part of the report (or why the report does not count). The
    rows' reports are the dashboard's (views.dashboard.ReportRow: its status label, its
    link)."""
    draft = esc(_("Not submitted yet: a draft does not count."))
    closed = esc(_("Not counted: you may not open this report."))
    span = len(matrix.columns)
    columns = [
        (
            f"#{esc(column.anchor)}",
            f"<span{SWEDISH if column.text else ''}>{esc(column.label)}</span>",
        )
        for column in matrix.columns
    ]
    texts = {}  # the words of a cell depend on its column's questions and its counts only
    out = []
    for row in matrix.rows:
        report = row.report
        unit = esc(report.unit.name)
        out.append(
            f'<tr><th scope="row">{unit}<br><span class="status status-{esc(report.status)}">'
            f"{esc(report.status_label)}</span></th>"
        )
        if row.cells is None:
            reason = draft if report.status == Report.Status.DRAFT else closed
            out.append(f'<td colspan="{span}" class="meta">{reason}</td></tr>')
            continue
        url = esc(report.url)
        for cell, (anchor, label) in zip(row.cells, columns, strict=True):
            questions = cell.column.questions
            key = (questions, tuple(cell.counts.items()))
            if key not in texts:
                details = "".join(
                    f'<br><span class="meta">{esc(line)}</span>' for line in cell.details
                )
                texts[key] = (esc(cell.summary), details)
            summary, details = texts[key]
            if questions:
                out.append(
                    f'<td><a href="{url}{anchor}">{summary}<span class="visually-hidden"> – '
                    f"{unit}, {label}</span></a>{details}</td>"
                )
            else:
                out.append(f"<td>{summary}{details}</td>")
        out.append("</tr>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.filter
def matrix_totals(matrix: UnitMatrix) -> SafeString:
    """Per area, every counted report's answers together: each level's share."""
    shares = ShareCells()
    labels = [esc(Attainment(level).label) for level in LEVELS]
    none = esc(_("No answers"))
    out = []
    for tally in matrix.totals:
        total = tally.total
        if not total:
            out.append(f"<td>{none}</td>")
            continue
        cells = shares(tally.counts, total)
        items = "".join(
            f"<li>{label} {cell}</li>" for label, cell in zip(labels, cells, strict=True)
        )
        out.append(f'<td><ul class="plain-list">{items}</ul></td>')
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.filter
def trend_tables(tables: list[TrendTable]) -> SafeString:
    """Each trend table under its heading: per year the approved reports and each level's
    share of their answers. The texts and the levels' headings are the same in every table.
    Written once per process for each content and language: past years do not change, so
    every view of a cycle's dashboard shows the same tables until a report is approved."""
    content = tuple(
        (
            str(table.label),
            table.programme_text,
            tuple(
                (row.year, row.current, row.reports, tuple(row.tally.counts[n] for n in LEVELS))
                for row in table.rows
            ),
        )
        for table in tables
    )
    return _trend_html(get_language(), content)


@functools.lru_cache(maxsize=256)
def _trend_html(language: str, content: tuple) -> SafeString:
    """trend_tables() of the tables' content ((label, programme text?, rows of (year,
    current?, reports, counts per level))) in the active language (`language` is the key)."""
    shares = ShareCells()
    this = esc(_("this follow-up"))
    none = esc(_("No answers in approved reports"))
    head = (
        f'<thead><tr><th scope="col">{esc(_("Year"))}</th>'
        f'<th scope="col">{esc(_("Approved reports"))}</th>'
        + "".join(f'<th scope="col">{esc(label)}</th>' for _level, label in Attainment.choices)
        + "</tr></thead>"
    )
    span = len(LEVELS)
    out = []
    for number, (text, programme_text, rows) in enumerate(content, start=1):
        lang = SWEDISH if programme_text else ""
        label = esc(text)
        out.append(
            f'<h3 id="trend-table-{number}" class="trend-heading"{lang}>{label}</h3>\n'
            f'<div class="table-scroll" role="region" aria-labelledby="trend-table-{number}" '
            f'tabindex="0">\n<table class="table trend">\n'
            f'<caption class="visually-hidden"{lang}>{label}</caption>\n{head}\n<tbody>'
        )
        for year, current, reports, counts in rows:
            marked = ' class="current"' if current else ""
            tag = f' <span class="tag">{this}</span>' if current else ""
            out.append(f'<tr{marked}><th scope="row">{year}{tag}</th><td>{reports}</td>')
            total = sum(counts)
            if total:
                out.extend(
                    f"<td>{cell}</td>"
                    for cell in shares(dict(zip(LEVELS, counts, strict=True)), total)
                )
            else:
                out.append(f'<td colspan="{span}">{none}</td>')
            out.append("</tr>")
        out.append("</tbody>\n</table>\n</div>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
