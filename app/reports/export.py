"""CSV export of any report table: the same rows as the page, in plain machine units."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask_babel import gettext as _

from app.reports.tables import Change, Duration, Table

# A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Duration):
        return str(round(value))
    if isinstance(value, Change):
        return f"{value * 100:.1f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _header(table: Table, index: int) -> str:
    values = [v for v in table.column(index) if v is not None]
    label = table.columns[index].label
    if values and all(isinstance(v, Duration) for v in values):
        return _("%(label)s (seconds)", label=label)
    if values and all(isinstance(v, Change) for v in values):
        return _("%(label)s (%%)", label=label)
    return label


def to_csv(table: Table) -> str:
    """The table as CSV text: durations in seconds, changes in percent, days as ISO dates."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_header(table, i) for i in range(len(table.columns)))
    for row in table.rows:
        writer.writerow(_cell(v) for v in row)
    return out.getvalue()
