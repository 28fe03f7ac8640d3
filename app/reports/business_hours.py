"""Seconds between two instants that fall inside a workspace's business hours.

Hours are given per weekday (0 = Monday) as (start, end) local times in the workspace's time
zone; an end of 00:00 means midnight at the end of that day. Pure functions, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db
from app.models import InboxSettings

Hours = Mapping[int, Sequence[tuple[time, time]]]


def _utc(local: datetime) -> datetime:
    return local.astimezone(UTC).replace(tzinfo=None)


def _intervals_on(day: date, hours: Hours, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """That local day's open intervals as naive UTC pairs (DST-safe: each end converted alone)."""
    found = []
    for start, end in hours.get(day.weekday(), ()):
        opens = datetime.combine(day, start, zone)
        closes = datetime.combine(day + timedelta(days=1), time(0), zone) if end == time(0) else None
        closes = closes or datetime.combine(day, end, zone)
        if closes > opens:
            found.append((_utc(opens), _utc(closes)))
    return found


def business_seconds(start: datetime, end: datetime, hours: Hours, timezone: str) -> int:
    """Seconds of [start, end) (naive UTC) that fall within `hours` in `timezone`."""
    if end <= start:
        return 0
    zone = ZoneInfo(timezone)
    first = start.replace(tzinfo=UTC).astimezone(zone).date()
    last = end.replace(tzinfo=UTC).astimezone(zone).date()
    total = 0.0
    day = first
    while day <= last:
        for opens, closes in _intervals_on(day, hours, zone):
            overlap = (min(closes, end) - max(opens, start)).total_seconds()
            total += max(overlap, 0)
        day += timedelta(days=1)
    return int(total)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _time(value) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


def parse_hours(definition: Mapping) -> dict[int, list[tuple[time, time]]]:
    """Accept {0: [["09:00", "17:00"], …]} or the inbox's {"mon": ["09:00", "17:00"], …}
    (keys may be strings, as JSON stores them; one pair or a list of pairs per day)."""
    hours: dict[int, list[tuple[time, time]]] = {}
    for weekday, spans in definition.items():
        day = WEEKDAYS.index(weekday) if weekday in WEEKDAYS else int(weekday)
        if spans and isinstance(spans[0], str | time):
            spans = [spans]
        hours[day] = [(_time(start), _time(end)) for start, end in spans if start and end]
    return hours


def workspace_hours(workspace) -> Hours | None:
    """The workspace's business hours (the inbox settings), or None when it sets none: then
    durations are wall-clock."""
    definition = db.session.scalar(
        sa.select(InboxSettings.business_hours).where(InboxSettings.workspace_id == workspace.id)
    )
    return parse_hours(definition) if definition else None
