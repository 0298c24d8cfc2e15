"""Cells for CSV and Excel files: text a spreadsheet would run as a formula is neutralised."""

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


def safe_row(row) -> list:
    return [safe_cell(value) for value in row]
