"""What each report page shows, as tables: the HTML page and the CSV export read the same rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from app.models import Workspace
from app.reports import campaign_queries, queries
from app.reports.business_hours import workspace_hours
from app.reports.facts import local_date
from app.reports.period import ReportRange


class Duration(float):
    """Seconds: shown as "2 h 05 min", exported as a number of seconds."""


class Change(float):
    """A relative change against the previous period: shown as "+12%"."""


@dataclass
class Column:
    label: str


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)

    def column(self, index: int) -> list:
        return [row[index] for row in self.rows]


@dataclass
class Page:
    tables: dict[str, Table]
    note: str | None = None


def _change(now, before) -> Change | None:
    if now is None or not before:
        return None
    return Change((now - before) / before)


def _duration(value) -> Duration | None:
    return None if value is None else Duration(value)


def _compare_row(label: str, now, before, wrap=int) -> list:
    return [label, None if now is None else wrap(now), None if before is None else wrap(before), _change(now, before)]


def _compare_columns() -> list[Column]:
    return [Column(_("Measure")), Column(_("This period")), Column(_("Previous period")), Column(_("Difference"))]


def overview(workspace: Workspace, rng: ReportRange) -> Page:
    now, before = queries.totals(workspace.id, rng), queries.totals(workspace.id, rng.previous)
    summary = Table("summary", _("Compared with the previous period"), _compare_columns())
    for key, label in (
        ("messages_in", _("Messages received")),
        ("messages_out", _("Messages sent")),
        ("new_conversations", _("New conversations")),
    ):
        summary.rows.append(_compare_row(label, now[key], before[key]))
    by_day = Table(
        "volume_by_day",
        _("Messages by day"),
        [Column(_("Day")), Column(_("Received")), Column(_("Sent")), Column(_("New conversations"))],
        [list(row) for row in queries.volume_by_day(workspace.id, rng)],
    )
    by_channel = Table(
        "volume_by_channel",
        _("Messages by channel"),
        [
            Column(_("Channel")),
            Column(_("Type")),
            Column(_("Received")),
            Column(_("Sent")),
            Column(_("New conversations")),
        ],
        [list(row) for row in queries.volume_by_channel(workspace.id, rng)],
    )
    backlog = Table(
        "backlog",
        _("Open backlog at the last update"),
        [Column(_("Channel")), Column(_("Open")), Column(_("Pending"))],
        [list(row) for row in queries.backlog(workspace.id)],
    )
    return Page({t.key: t for t in (summary, by_day, by_channel, backlog)})


def _timing_columns(first: str) -> list[Column]:
    return [
        Column(first),
        Column(_("Median first response")),
        Column(_("90th percentile first response")),
        Column(_("Conversations answered")),
        Column(_("Median resolution")),
        Column(_("90th percentile resolution")),
        Column(_("Conversations resolved")),
    ]


def _timing_rows(keys, first: dict, resolution: dict, label) -> list[list]:
    empty = (None, None, 0)
    rows = []
    for key in keys:
        fm, fp, fn = first.get(key, empty)
        rm, rp, rn = resolution.get(key, empty)
        rows.append([label(key), _duration(fm), _duration(fp), fn, _duration(rm), _duration(rp), rn])
    return rows


def responsiveness(workspace: Workspace, rng: ReportRange) -> Page:
    business = workspace_hours(workspace) is not None
    first = queries.first_response_times(workspace.id, rng, business)
    resolved = queries.resolution_times(workspace.id, rng, business)
    first_before = queries.first_response_times(workspace.id, rng.previous, business, split=False)
    resolved_before = queries.resolution_times(workspace.id, rng.previous, business, split=False)
    summary = Table("summary", _("Compared with the previous period"), _compare_columns())
    for label, now, before in (
        (_("Median first response"), first.overall[0], first_before.overall[0]),
        (_("90th percentile first response"), first.overall[1], first_before.overall[1]),
        (_("Median resolution"), resolved.overall[0], resolved_before.overall[0]),
        (_("90th percentile resolution"), resolved.overall[1], resolved_before.overall[1]),
    ):
        summary.rows.append(_compare_row(label, now, before, Duration))
    names = queries.people(workspace.id, set(first.by_agent) | set(resolved.by_agent))
    channels = queries.channel_names(workspace.id)
    agents = sorted(set(first.by_agent) | set(resolved.by_agent), key=lambda i: (i is None, names.get(i, "")))
    by_agent = Table(
        "by_agent",
        _("By agent"),
        _timing_columns(_("Agent")),
        _timing_rows(agents, first.by_agent, resolved.by_agent, lambda i: _agent_label(names, i)),
    )
    channel_ids = sorted(set(first.by_channel) | set(resolved.by_channel), key=lambda i: channels.get(i, ""))
    by_channel = Table(
        "by_channel",
        _("By channel"),
        _timing_columns(_("Channel")),
        _timing_rows(channel_ids, first.by_channel, resolved.by_channel, lambda i: channels.get(i, "")),
    )
    by_day = Table(
        "by_day",
        _("Over time"),
        _timing_columns(_("Day")),
        _timing_rows(rng.dates(), first.by_day, resolved.by_day, _same),
    )
    note = (
        _("Times count business hours only.")
        if business
        else _("Times are wall-clock: this workspace sets no business hours.")
    )
    waiting = Table(
        "waiting",
        _("Still waiting"),
        [Column(_("Measure")), Column(_("Conversations"))],
        [[_("Started in this period, no reply yet"), queries.unanswered(workspace.id, rng)]],
    )
    return Page({t.key: t for t in (summary, waiting, by_day, by_agent, by_channel)}, note)


def _same(value: date) -> date:
    return value


def _agent_label(names: dict, agent_id: int | None) -> str:
    if agent_id is None:
        return _("Outside Conversa (provider app)")
    return names.get(agent_id) or _("Former member")


def agents(workspace: Workspace, rng: ReportRange) -> Page:
    activity = queries.agent_activity(workspace.id, rng)
    names = queries.people(workspace.id, set(activity))
    ids = sorted(set(names) | set(activity), key=lambda i: names.get(i, ""))
    table = Table(
        "agents",
        _("Agents"),
        [Column(_("Agent")), Column(_("Conversations handled")), Column(_("Replies sent")), Column(_("Resolutions"))],
    )
    for agent_id in ids:
        numbers = activity.get(agent_id, {"handled": 0, "replies": 0, "resolutions": 0})
        table.rows.append(
            [_agent_label(names, agent_id), numbers["handled"], numbers["replies"], numbers["resolutions"]]
        )
    return Page({"agents": table})


def _outcome_columns() -> list[Column]:
    return [
        Column(_("Sent")),
        Column(_("Delivered")),
        Column(_("Read")),
        Column(_("Clicked")),
        Column(_("Failed")),
        Column(_("Skipped")),
        Column(_("Opt-outs")),
    ]


OUTCOMES = ("sent", "delivered", "read", "clicked", "failed", "skipped", "opt_outs")


def campaigns(workspace: Workspace, rng: ReportRange) -> Page:
    results = campaign_queries.campaign_results(workspace.id, rng)
    before = campaign_queries.campaign_results(workspace.id, rng.previous)
    labels = [c.label for c in _outcome_columns()]
    summary = Table("summary", _("Compared with the previous period"), _compare_columns())
    for key, label in zip(OUTCOMES, labels, strict=True):
        summary.rows.append(_compare_row(label, sum(r[key] for r in results), sum(r[key] for r in before)))
    per_campaign = Table(
        "campaigns",
        _("By campaign"),
        [
            Column(_("Campaign")),
            Column(_("Channel")),
            Column(_("Started")),
            Column(_("Recipients")),
            *_outcome_columns(),
        ],
        [
            [r["name"], r["channel"], local_date(r["started_at"], ZoneInfo(rng.timezone)), r["recipients"]]
            + [r[key] for key in OUTCOMES]
            for r in results
        ],
    )
    days: dict[tuple, list[int]] = {}
    for r in results:
        key = (local_date(r["started_at"], ZoneInfo(rng.timezone)), r["channel"])
        days[key] = [a + r[k] for a, k in zip(days.get(key, [0] * len(OUTCOMES)), OUTCOMES, strict=True)]
    by_day = Table(
        "by_channel_day",
        _("By day the campaign started, per channel"),
        [Column(_("Day")), Column(_("Channel")), *_outcome_columns()],
        [[day, channel, *numbers] for (day, channel), numbers in sorted(days.items())],
    )
    return Page({t.key: t for t in (summary, per_campaign, by_day)})


PAGES = {"overview": overview, "responsiveness": responsiveness, "agents": agents, "campaigns": campaigns}
