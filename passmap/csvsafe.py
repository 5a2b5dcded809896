"""CSV cells that a spreadsheet will not run: text starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is a formula to Excel, LibreOffice and Google Sheets (CSV injection).
Such a cell gets a leading apostrophe, which spreadsheets show as text and do not display.
Numbers stay numbers (a negative number is not text).

>>> safe_cell("=1+2"), safe_cell("@SUM(A1)"), safe_cell("-5"), safe_cell(-5), safe_cell("Gym")
("'=1+2", "'@SUM(A1)", "'-5", -5, 'Gym')
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: dict) -> dict:
    """Every cell of a CSV row through safe_cell."""
    return {k: safe_cell(v) for k, v in row.items()}
