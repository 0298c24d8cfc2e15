"""The risk picture's matrix and tables, written here rather than by template loops: the
likelihood × consequence grid is some 25 cells of SVG and table, and a tag, filter and
lookup per coordinate cost more than the rest of the dashboard's inset (issue 16). The
markup is the one the templates wrote; each text is translated and escaped once."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from risks.models import Level
from risks.picture import AreaYears, Matrix

register = template.Library()

FILLS = {Level.VERY_HIGH: "#f2c4c4", Level.HIGH: "#f7dfb5", Level.MEDIUM: "#f5f0c0"}
LOW_FILL = "#d7ead3"
FONT = 'font-family="Liberation Sans"'
INK = 'fill="#111111"'


@register.simple_tag
def risk_matrix(matrix: Matrix, id: str) -> SafeString:  # noqa: A002 - the template's name
    """The grid as an SVG figure (every cell with its number and level in words) and the
    same numbers as a table; `id` prefixes the ids the labels point to."""
    id = escape(id)  # noqa: A001
    title = escape(_("Risks by likelihood and consequence"))
    description = escape(matrix.description)
    labels: dict[str, str] = {}  # a level's words, escaped once
    shapes, rows = [], []
    for likelihood, cells in matrix.rows:
        shapes.append(
            f'<text x="{matrix.left - 8}" y="{cells[0].y + 32}" text-anchor="end" {FONT} '
            f'font-size="12" {INK}>{likelihood}</text>'
        )
        row = [f'<tr><th scope="row">{likelihood}</th>']
        for cell in cells:
            if cell.level_label not in labels:
                labels[cell.level_label] = escape(cell.level_label)
            label = labels[cell.level_label]
            fill = FILLS.get(cell.level, LOW_FILL)
            x, y = cell.x + 28, cell.y
            shapes.append(
                f'<rect x="{cell.x}" y="{y}" width="{matrix.cell}" height="{matrix.cell}" '
                f'stroke="#222222" stroke-width="1" fill="{fill}"/>'
                f'<text x="{x}" y="{y + 26}" text-anchor="middle" {FONT} font-size="15" '
                f'font-weight="bold" {INK}>{cell.count}</text>'
                f'<text x="{x}" y="{y + 44}" text-anchor="middle" {FONT} font-size="9" '
                f"{INK}>{label}</text>"
            )
            row.append(f'<td>{cell.count} <span class="meta">({label})</span></td>')
        row.append("</tr>")
        rows.append("".join(row))
    headings = []
    for consequence, x in matrix.columns:
        shapes.append(
            f'<text x="{x}" y="{matrix.axis_y + 16}" text-anchor="middle" {FONT} '
            f'font-size="12" {INK}>{consequence}</text>'
        )
        heading = escape(_("Consequence %(consequence)s") % {"consequence": consequence})
        headings.append(f'<th scope="col">{heading}</th>')
    shapes.append(
        f'<text x="{matrix.left}" y="{matrix.axis_y + 36}" {FONT} font-size="12" {INK}>'
        f"{escape(_('Consequence →'))}</text>"
        f'<text x="4" y="14" {FONT} font-size="12" {INK}>{escape(_("Likelihood ↑"))}</text>'
    )
    width, height = matrix.width, matrix.height
    caption = escape(_("Number of assessed reports by likelihood (rows) and consequence (columns)"))
    return mark_safe(  # noqa: S308 - every value above is escaped or a number
        f'<figure class="chart risk-matrix">\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{id}-title {id}-desc">\n'
        f'<title id="{id}-title">{title}</title>\n<desc id="{id}-desc">{description}</desc>\n'
        + "\n".join(shapes)
        + f"\n</svg>\n<figcaption>{title}: {description}</figcaption>\n</figure>\n"
        f'<div class="table-scroll" role="region" aria-labelledby="{id}-table" tabindex="0">\n'
        f'<table class="table table-compact matrix">\n'
        f'<caption id="{id}-table">{caption}</caption>\n'
        f'<thead><tr><th scope="col">{escape(_("Likelihood"))}</th>{"".join(headings)}'
        f"</tr></thead>\n<tbody>{''.join(rows)}</tbody>\n</table>\n</div>"
    )


@register.simple_tag
def risk_area_years(picture: AreaYears) -> SafeString:
    """The risk reports per application area and year, the year's per type, and the number
    of risks in the register."""
    years = "".join(f'<th scope="col">{year}</th>' for year in picture.years)
    areas = "".join(
        f'<tr><th scope="row">{escape(label)}</th>{"".join(f"<td>{n}</td>" for n in counts)}</tr>'
        for label, counts in picture.areas
    )
    totals = "".join(f"<td>{n}</td>" for n in picture.totals)
    kinds = "".join(
        f'<tr><th scope="row">{escape(label)}</th><td>{n}</td></tr>' for label, n in picture.kinds
    )
    per_year = escape(_("Risk reports per application area and year"))
    per_type = escape(_("Risk reports per application area and type"))
    by_type = escape(_("Risk reports of %(year)s by type") % {"year": picture.year})
    count = picture.register_count
    register_count = escape(
        ngettext(
            "%(counter)s risk in the risk register.",
            "%(counter)s risks in the risk register.",
            count,
        )
        % {"counter": count}
    )
    return mark_safe(  # noqa: S308 - every value above is escaped or a number
        f'<div class="table-scroll" tabindex="0" role="region" aria-label="{per_year}">'
        f'<table class="table table-compact">\n<caption>{per_year}</caption>\n'
        f'<thead><tr><th scope="col">{escape(_("Application area"))}</th>{years}</tr></thead>\n'
        f'<tbody>\n{areas}\n<tr><th scope="row">{escape(_("Total"))}</th>{totals}</tr>\n'
        f"</tbody>\n</table></div>\n"
        f'<div class="table-scroll" tabindex="0" role="region" aria-label="{per_type}">'
        f'<table class="table table-compact">\n<caption>{by_type}</caption>\n'
        f'<thead><tr><th scope="col">{escape(_("Type"))}</th>'
        f'<th scope="col">{escape(_("Number"))}</th></tr></thead>\n'
        f"<tbody>{kinds}</tbody>\n</table></div>\n<p>{register_count}</p>"
    )
