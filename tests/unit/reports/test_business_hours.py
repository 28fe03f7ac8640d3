"""Business-hours seconds, against hand-computed fixtures (Mexico City is UTC-6 all year since 2022)."""

from datetime import datetime, time

from app.reports.business_hours import business_seconds, parse_hours

MX = "America/Mexico_City"
WEEKDAYS_9_TO_5 = {day: [(time(9), time(17))] for day in range(5)}


def utc(local: str, offset_hours: int = 6) -> datetime:
    """A Mexico City wall-clock time as naive UTC."""
    from datetime import timedelta

    return datetime.fromisoformat(local) + timedelta(hours=offset_hours)


def test_friday_evening_to_monday_morning_counts_only_open_hours():
    # Fri 2026-03-13 16:00 → Mon 2026-03-16 10:00: 1 h on Friday + 1 h on Monday.
    assert business_seconds(utc("2026-03-13 16:00"), utc("2026-03-16 10:00"), WEEKDAYS_9_TO_5, MX) == 7200


def test_before_opening_counts_from_opening():
    # Tue 07:00 → Tue 09:30: 30 minutes.
    assert business_seconds(utc("2026-03-10 07:00"), utc("2026-03-10 09:30"), WEEKDAYS_9_TO_5, MX) == 1800


def test_a_weekend_is_zero():
    assert business_seconds(utc("2026-03-14 10:00"), utc("2026-03-15 12:00"), WEEKDAYS_9_TO_5, MX) == 0


def test_a_lunch_break_is_not_counted():
    split = {0: [(time(9), time(13)), (time(14), time(18))]}
    # Mon 12:30 → 14:30: 30 min before lunch + 30 min after.
    assert business_seconds(utc("2026-03-09 12:30"), utc("2026-03-09 14:30"), split, MX) == 3600


def test_an_end_of_midnight_runs_to_the_end_of_the_day():
    late = {5: [(time(20), time(0))]}  # Saturdays 20:00 until midnight
    assert business_seconds(utc("2026-03-14 23:00"), utc("2026-03-15 01:00"), late, MX) == 3600


def test_the_local_day_not_the_utc_day_decides_the_weekday():
    # Fri 2026-03-13 23:30 local is already Saturday in UTC; open Fridays 23:00-24:00 only.
    friday_night = {4: [(time(23), time(0))]}
    assert business_seconds(utc("2026-03-13 23:30"), utc("2026-03-14 02:00"), friday_night, MX) == 1800


def test_a_daylight_saving_day_has_23_hours():
    # New York springs forward on Sunday 2026-03-08: midnight to midnight is 23 real hours.
    always = {day: [(time(0), time(0))] for day in range(7)}
    start, end = datetime(2026, 3, 8, 5, 0), datetime(2026, 3, 9, 4, 0)  # both local midnights, in UTC
    assert business_seconds(start, end, always, "America/New_York") == 23 * 3600


def test_end_before_start_is_zero():
    assert business_seconds(utc("2026-03-10 10:00"), utc("2026-03-10 09:00"), WEEKDAYS_9_TO_5, MX) == 0


def test_hours_parse_from_json_strings():
    assert parse_hours({"0": [["09:00", "17:30"]]}) == {0: [(time(9), time(17, 30))]}


def test_hours_parse_from_the_inbox_settings_format():
    assert parse_hours({"mon": ["09:00", "17:00"], "sat": ["10:00", "14:00"]}) == {
        0: [(time(9), time(17))],
        5: [(time(10), time(14))],
    }
