"""Aggregates for the report pages, read from the rollup tables; never one contact, never every message."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Channel,
    DailyRollup,
    Membership,
    ReportConversation,
    ReportParticipation,
    ReportState,
    User,
)
from app.reports.period import ReportRange
from app.reports.stats import summary


def _in_range(rng: ReportRange):
    return sa.and_(DailyRollup.day >= rng.start, DailyRollup.day <= rng.end)


def totals(workspace_id: int, rng: ReportRange) -> dict[str, int]:
    row = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(DailyRollup.messages_in), 0),
            sa.func.coalesce(sa.func.sum(DailyRollup.messages_out), 0),
            sa.func.coalesce(sa.func.sum(DailyRollup.new_conversations), 0),
            sa.func.coalesce(sa.func.sum(DailyRollup.replies), 0),
            sa.func.coalesce(sa.func.sum(DailyRollup.resolutions), 0),
        ).where(DailyRollup.workspace_id == workspace_id, _in_range(rng))
    ).one()
    return dict(zip(("messages_in", "messages_out", "new_conversations", "replies", "resolutions"), row, strict=True))


def volume_by_day(workspace_id: int, rng: ReportRange) -> list[tuple[date, int, int, int]]:
    """(day, messages in, messages out, new conversations) for every day of the range, zeros included."""
    rows = db.session.execute(
        sa.select(
            DailyRollup.day,
            sa.func.sum(DailyRollup.messages_in),
            sa.func.sum(DailyRollup.messages_out),
            sa.func.sum(DailyRollup.new_conversations),
        )
        .where(DailyRollup.workspace_id == workspace_id, _in_range(rng))
        .group_by(DailyRollup.day)
    )
    found = {day: (int(i), int(o), int(n)) for day, i, o, n in rows}
    return [(day, *found.get(day, (0, 0, 0))) for day in rng.dates()]


def volume_by_channel(workspace_id: int, rng: ReportRange) -> list[tuple[str, str, int, int, int]]:
    """(channel name, kind, in, out, new conversations), busiest first."""
    rows = db.session.execute(
        sa.select(
            Channel.name,
            Channel.kind,
            sa.func.sum(DailyRollup.messages_in),
            sa.func.sum(DailyRollup.messages_out),
            sa.func.sum(DailyRollup.new_conversations),
        )
        .join(Channel, Channel.id == DailyRollup.channel_id)
        .where(DailyRollup.workspace_id == workspace_id, _in_range(rng))
        .group_by(Channel.id, Channel.name, Channel.kind)
    )
    found = [(name, str(kind), int(i), int(o), int(n)) for name, kind, i, o, n in rows]
    return sorted(found, key=lambda row: (-(row[2] + row[3]), row[0]))


def backlog(workspace_id: int) -> list[tuple[str, int, int]]:
    """(channel name, open, pending) conversations, as counted by the last refresh."""
    state = db.session.get(ReportState, workspace_id)
    names = channel_names(workspace_id)
    counts = (state.backlog or {}) if state else {}
    rows = [(names[int(i)], open_, pending) for i, (open_, pending) in counts.items() if int(i) in names]
    return sorted(rows)


@dataclass
class Timings:
    """Median and p90 of one measure, overall and split by agent, channel and day."""

    overall: tuple = (None, None)
    count: int = 0
    by_agent: dict = field(default_factory=dict)  # agent id (None: no member) → (median, p90, n)
    by_channel: dict = field(default_factory=dict)  # channel id → (median, p90, n)
    by_day: dict = field(default_factory=dict)  # local date → (median, p90, n)


@dataclass(frozen=True)
class Measure:
    seconds: sa.Column
    agent: sa.Column
    day: sa.Column


def _measure(kind: str, business: bool) -> Measure:
    rc = ReportConversation
    if kind == "first_response":
        seconds = rc.first_response_business_seconds if business else rc.first_response_seconds
        return Measure(seconds, rc.responder_id, rc.started_day)
    seconds = rc.resolution_business_seconds if business else rc.resolution_seconds
    return Measure(seconds, rc.resolver_id, rc.resolved_day)


def _where(workspace_id: int, rng: ReportRange, measure: Measure):
    return sa.and_(
        ReportConversation.workspace_id == workspace_id,
        measure.day >= rng.start,
        measure.day <= rng.end,
        measure.seconds.is_not(None),
    )


def timings(workspace_id: int, rng: ReportRange, kind: str, business: bool, split: bool = True) -> Timings:
    """Median and p90 of "first_response" (by who first replied, on the day the contact wrote) or
    "resolution" (by the assignee, on the day it was resolved). Without `split`, overall only."""
    measure = _measure(kind, business)
    if db.session.get_bind().dialect.name == "postgresql":
        return _timings_in_sql(workspace_id, rng, measure, split)
    rows = db.session.execute(
        sa.select(measure.agent, ReportConversation.channel_id, measure.day, measure.seconds).where(
            _where(workspace_id, rng, measure)
        )
    )
    every, groups = [], (defaultdict(list), defaultdict(list), defaultdict(list))
    for *keys, seconds in rows:
        every.append(seconds)
        for group, key in zip(groups, keys, strict=True):
            group[key].append(seconds)
    by = [{key: (*summary(values), len(values)) for key, values in group.items()} for group in groups]
    return Timings(summary(every), len(every), *by) if split else Timings(summary(every), len(every))


def _timings_in_sql(workspace_id: int, rng: ReportRange, measure: Measure, split: bool) -> Timings:
    """PostgreSQL computes the percentiles (percentile_cont: the same interpolation as stats.py)."""
    keys = [measure.agent, ReportConversation.channel_id, measure.day]
    ordered = measure.seconds
    columns = [
        sa.func.percentile_cont(0.5).within_group(ordered),
        sa.func.percentile_cont(0.9).within_group(ordered),
        sa.func.count(),
    ]
    query = sa.select(*columns).where(_where(workspace_id, rng, measure))
    if split:
        sets = sa.func.grouping_sets(*[sa.tuple_(key) for key in keys], sa.text("()"))
        query = sa.select(*keys, *[sa.func.grouping(key) for key in keys], *columns)
        query = query.where(_where(workspace_id, rng, measure)).group_by(sets)
    result = Timings()
    for row in db.session.execute(query):
        *head, median, p90, count = row
        value = (median, p90, count)
        if not split or all(head[3:6]):
            result.overall, result.count = (median, p90) if count else (None, None), count
            continue
        for position, target in enumerate((result.by_agent, result.by_channel, result.by_day)):
            if not head[3 + position]:
                target[head[position]] = value
    return result


def first_response_times(workspace_id: int, rng: ReportRange, business: bool, split: bool = True) -> Timings:
    """Conversations started in the range that got a reply; by the agent who first replied."""
    return timings(workspace_id, rng, "first_response", business, split)


def resolution_times(workspace_id: int, rng: ReportRange, business: bool, split: bool = True) -> Timings:
    """Conversations resolved in the range (still resolved); by the assignee at resolution."""
    return timings(workspace_id, rng, "resolution", business, split)


def unanswered(workspace_id: int, rng: ReportRange) -> int:
    """Conversations started in the range still waiting for a first reply."""
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            ReportConversation.workspace_id == workspace_id,
            ReportConversation.started_day >= rng.start,
            ReportConversation.started_day <= rng.end,
            ReportConversation.first_response_at.is_(None),
        )
    )


def agent_activity(workspace_id: int, rng: ReportRange) -> dict[int, dict[str, int]]:
    """agent id → conversations handled (distinct, replied in), replies sent, resolutions."""
    activity: dict[int, dict[str, int]] = defaultdict(lambda: {"handled": 0, "replies": 0, "resolutions": 0})
    sums = db.session.execute(
        sa.select(DailyRollup.agent_id, sa.func.sum(DailyRollup.replies), sa.func.sum(DailyRollup.resolutions))
        .where(DailyRollup.workspace_id == workspace_id, _in_range(rng), DailyRollup.agent_id.is_not(None))
        .group_by(DailyRollup.agent_id)
    )
    for agent_id, replies, resolutions in sums:
        activity[agent_id].update(replies=int(replies), resolutions=int(resolutions))
    handled = db.session.execute(
        sa.select(ReportParticipation.agent_id, sa.func.count(sa.distinct(ReportParticipation.conversation_id)))
        .where(
            ReportParticipation.workspace_id == workspace_id,
            ReportParticipation.day >= rng.start,
            ReportParticipation.day <= rng.end,
        )
        .group_by(ReportParticipation.agent_id)
    )
    for agent_id, count in handled:
        activity[agent_id]["handled"] = count
    return dict(activity)


def people(workspace_id: int, extra_ids: set[int]) -> dict[int, str]:
    """Names of the workspace's members, plus anyone who appears in its numbers and has left."""
    names = dict(
        db.session.execute(
            sa.select(User.id, User.name).join(Membership).where(Membership.workspace_id == workspace_id)
        ).all()
    )
    missing = {i for i in extra_ids if i is not None and i not in names}
    if missing:
        names.update(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(missing))).all())
    return names


def channel_names(workspace_id: int) -> dict[int, str]:
    return dict(
        db.session.execute(sa.select(Channel.id, Channel.name).where(Channel.workspace_id == workspace_id)).all()
    )


def refreshed_at(workspace_id: int):
    state = db.session.get(ReportState, workspace_id)
    return state.refreshed_at if state and state.refreshed_at.year > 1970 else None
