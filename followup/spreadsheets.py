"""Cells for CSV and Excel files: text a spreadsheet would run as a formula is neutralised."""

import csv
import io

from django.http import HttpResponse

# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    """The value for a spreadsheet cell: text starting like a formula gets a leading
    apostrophe, so it is shown as the text that was typed and never evaluated. Numbers and
    dates stay as they are."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    text = value.lstrip("\x00")
    if text.startswith(FORMULA_STARTS) or text.lstrip(" ").startswith(FORMULA_STARTS[:4]):
        return "'" + text
    return text


# The first characters safe_cell() may change; a text starting otherwise is kept as it is.
SUSPECT = frozenset("".join(FORMULA_STARTS) + "\x00 ")


def safe_row(row) -> list:
    """safe_cell() of each value; the call skipped for text that cannot start a formula
    (most cells: an export has thousands)."""
    return [v if type(v) is str and v[:1] not in SUSPECT else safe_cell(v) for v in row]


def csv_response(name: str, header, rows) -> HttpResponse:
    """A CSV download of safe rows: semicolons and a byte-order mark, what Excel with Swedish
    settings opens directly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(safe_row(header))
    writer.writerows(safe_row(row) for row in rows)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def xlsx_response(name: str, sheets) -> HttpResponse:
    """An Excel download: one sheet per (title, header, rows), every cell safe."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(str(title)[:31])
        for row in [header, *rows]:
            sheet.append(safe_row(row))
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
