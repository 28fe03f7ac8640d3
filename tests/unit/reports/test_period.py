"""Date ranges: presets, the previous period and local-midnight bounds."""

from datetime import date, datetime

import pytest

from app.reports.period import RangeError, range_from_args

TODAY = date(2026, 3, 18)
MX = "America/Mexico_City"


def test_last_7_days_end_today_and_compare_with_the_7_before():
    rng = range_from_args({"range": "7d"}, MX, TODAY)
    assert (rng.start, rng.end, rng.days) == (date(2026, 3, 12), TODAY, 7)
    assert (rng.previous.start, rng.previous.end) == (date(2026, 3, 5), date(2026, 3, 11))


def test_this_month_starts_on_the_first():
    rng = range_from_args({"range": "month"}, MX, TODAY)
    assert (rng.start, rng.end) == (date(2026, 3, 1), TODAY)


def test_default_is_30_days():
    assert range_from_args({}, MX, TODAY).days == 30


def test_custom_range_bounds_are_local_midnights_in_utc():
    rng = range_from_args({"range": "custom", "start": "2026-03-09", "end": "2026-03-10"}, MX, TODAY)
    assert rng.utc_bounds() == (datetime(2026, 3, 9, 6), datetime(2026, 3, 11, 6))
    assert rng.query() == {"range": "custom", "start": "2026-03-09", "end": "2026-03-10"}


@pytest.mark.parametrize(
    "args",
    [
        {"range": "custom", "start": "2026-03-10", "end": "2026-03-01"},
        {"range": "custom", "start": "yesterday", "end": "2026-03-01"},
        {"range": "custom", "start": "2024-01-01", "end": "2026-03-01"},
        {"range": "forever"},
    ],
)
def test_bad_ranges_are_refused(args):
    with pytest.raises(RangeError):
        range_from_args(args, MX, TODAY)
