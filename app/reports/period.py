"""The report's date range: presets or custom dates, in the workspace's time zone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PRESETS = ("7d", "30d", "90d", "month", "custom")
DEFAULT = "30d"
MAX_DAYS = 366


@dataclass(frozen=True)
class ReportRange:
    """Local days start..end, both included."""

    start: date
    end: date
    preset: str
    timezone: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> ReportRange:
        """The period of the same length just before, for comparison."""
        end = self.start - timedelta(days=1)
        return ReportRange(end - timedelta(days=self.days - 1), end, self.preset, self.timezone)

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[first local midnight, midnight after the last day) as naive UTC."""
        zone, utc = ZoneInfo(self.timezone), ZoneInfo("UTC")
        start = datetime.combine(self.start, time(0), zone).astimezone(utc).replace(tzinfo=None)
        end = datetime.combine(self.end + timedelta(days=1), time(0), zone).astimezone(utc).replace(tzinfo=None)
        return start, end

    def query(self) -> dict[str, str]:
        """URL arguments that reproduce this range (links, CSV export)."""
        if self.preset == "custom":
            return {"range": "custom", "start": self.start.isoformat(), "end": self.end.isoformat()}
        return {"range": self.preset}


class RangeError(ValueError):
    pass


def preset_range(preset: str, today: date, timezone: str) -> ReportRange:
    if preset == "month":
        return ReportRange(today.replace(day=1), today, preset, timezone)
    days = int(preset.removesuffix("d"))
    return ReportRange(today - timedelta(days=days - 1), today, preset, timezone)


def range_from_args(args: Mapping[str, str], timezone: str, today: date) -> ReportRange:
    """Read ?range=7d|30d|90d|month or ?range=custom&start=YYYY-MM-DD&end=YYYY-MM-DD.

    Raises RangeError (the caller shows it and falls back to the default) on bad dates.
    """
    preset = args.get("range") or DEFAULT
    if preset not in PRESETS:
        raise RangeError("unknown range")
    if preset != "custom":
        return preset_range(preset, today, timezone)
    try:
        start = date.fromisoformat(args.get("start", ""))
        end = date.fromisoformat(args.get("end", ""))
    except ValueError as bad:
        raise RangeError("bad date") from bad
    if end < start:
        raise RangeError("end before start")
    if (end - start).days + 1 > MAX_DAYS:
        raise RangeError("too long")
    return ReportRange(start, end, preset, timezone)
