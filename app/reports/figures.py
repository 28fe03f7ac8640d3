"""The charts of each report page, drawn from the same tables the page lists beneath them."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup

from app.reports import charts
from app.reports.display import axis_duration, short_day
from app.reports.tables import Page


@dataclass
class Figure:
    title: str
    svg: Markup
    legend: list[str]
    table: str  # key of the table that holds the same numbers


def _days(page: Page, key: str) -> list[str]:
    return [short_day(day) for day in page.tables[key].column(0)]


def overview(page: Page) -> list[Figure]:
    days, channels = page.tables["volume_by_day"], page.tables["volume_by_channel"]
    received, sent = _("Received"), _("Sent")
    return [
        Figure(
            _("Messages by day"),
            charts.line_chart(
                _("Messages by day"), _days(page, "volume_by_day"), [(received, days.column(1)), (sent, days.column(2))]
            ),
            [received, sent],
            "volume_by_day",
        ),
        Figure(
            _("Messages by channel"),
            charts.bar_chart(
                _("Messages by channel"),
                channels.column(0),
                [(received, channels.column(2)), (sent, channels.column(3))],
            ),
            [received, sent],
            "volume_by_channel",
        ),
    ]


def responsiveness(page: Page) -> list[Figure]:
    days, agents = page.tables["by_day"], page.tables["by_agent"]
    median, p90 = _("Median"), _("90th percentile")
    return [
        Figure(
            _("First response time over time"),
            charts.line_chart(
                _("First response time over time"),
                _days(page, "by_day"),
                [(median, days.column(1)), (p90, days.column(2))],
                axis_duration,
                charts.duration_ceiling,
            ),
            [median, p90],
            "by_day",
        ),
        Figure(
            _("First response time by agent"),
            charts.bar_chart(
                _("First response time by agent"),
                agents.column(0),
                [(median, agents.column(1)), (p90, agents.column(2))],
                axis_duration,
                charts.duration_ceiling,
            ),
            [median, p90],
            "by_agent",
        ),
    ]


def agents(page: Page) -> list[Figure]:
    table = page.tables["agents"]
    handled, replies = _("Conversations handled"), _("Replies sent")
    return [
        Figure(
            _("Work by agent"),
            charts.bar_chart(
                _("Work by agent"), table.column(0), [(handled, table.column(1)), (replies, table.column(2))]
            ),
            [handled, replies],
            "agents",
        )
    ]


def campaigns(page: Page) -> list[Figure]:
    table, by_day = page.tables["campaigns"], page.tables["by_channel_day"]
    names = [_("Sent"), _("Delivered"), _("Read"), _("Clicked")]
    days = sorted({row[0] for row in by_day.rows})
    channels = sorted({row[1] for row in by_day.rows})
    sent = {(row[0], row[1]): row[2] for row in by_day.rows}
    return [
        Figure(
            _("Results by campaign"),
            charts.bar_chart(
                _("Results by campaign"), table.column(0), [(n, table.column(4 + i)) for i, n in enumerate(names)]
            ),
            names,
            "campaigns",
        ),
        Figure(
            _("Sent by day and channel"),
            charts.bar_chart(
                _("Sent by day and channel"),
                [short_day(day) for day in days],
                [(channel, [sent.get((day, channel), 0) for day in days]) for channel in channels],
            ),
            channels,
            "by_channel_day",
        ),
    ]


FIGURES = {"overview": overview, "responsiveness": responsiveness, "agents": agents, "campaigns": campaigns}
