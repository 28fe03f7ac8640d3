"""How report values read on the page: durations, changes, days and counts in the user's locale."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date, format_decimal, format_percent
from flask_babel import gettext as _

from app.reports.tables import Change, Duration


def duration(seconds: float) -> str:
    """45 s, 12 min, 3 h 05 min, 2 d 4 h."""
    seconds = round(seconds)
    if seconds < 60:
        return _("%(n)s s", n=seconds)
    minutes = seconds // 60
    if minutes < 60:
        return _("%(n)s min", n=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)s h %(m)02d min", h=hours, m=minutes)
    days, hours = divmod(hours, 24)
    return _("%(d)s d %(h)s h", d=days, h=hours)


def axis_duration(seconds: float) -> str:
    """Shorter labels for chart axes."""
    if seconds < 3600:
        return _("%(n)s min", n=format_decimal(round(seconds / 60, 1)))
    return _("%(n)s h", n=format_decimal(round(seconds / 3600, 1)))


def cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, Duration):
        return duration(value)
    if isinstance(value, Change):
        sign = "+" if value > 0 else ""
        return sign + format_percent(value, format="#,##0%")
    if isinstance(value, date):
        return format_date(value, "medium")
    if isinstance(value, int | float):
        return format_decimal(value)
    return str(value)


def short_day(value: date) -> str:
    return format_date(value, "d MMM")
