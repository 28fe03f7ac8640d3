"""Aggregates for the report pages, read from the rollup tables; never one contact, never every message."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Channel,
    Conversation,
    ConversationStatus,
    DailyRollup,
    Membership,
    ReportConversation,
    ReportParticipation,
    ReportState,
    User,
)
from app.reports.period import ReportRange
from app.reports.rollups import local_date
from app.reports.stats import summary

BACKLOG = (ConversationStatus.OPEN, ConversationStatus.PENDING)


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
    """Right now: (channel name, open, pending) conversations."""
    rows = db.session.execute(
        sa.select(Channel.name, Conversation.status, sa.func.count())
        .join(Channel, Channel.id == Conversation.channel_id)
        .where(Conversation.workspace_id == workspace_id, Conversation.status.in_(BACKLOG))
        .group_by(Channel.name, Conversation.status)
    )
    counts: dict[str, dict] = defaultdict(dict)
    for name, status, count in rows:
        counts[name][ConversationStatus(status)] = count
    return sorted(
        (name, c.get(ConversationStatus.OPEN, 0), c.get(ConversationStatus.PENDING, 0)) for name, c in counts.items()
    )


@dataclass
class Timings:
    """Median and p90 of one measure, overall and split by agent, channel and day."""

    overall: tuple = (None, None)
    count: int = 0
    by_agent: dict = field(default_factory=dict)  # agent id (None: no member) → (median, p90, n)
    by_channel: dict = field(default_factory=dict)  # channel id → (median, p90, n)
    by_day: dict = field(default_factory=dict)  # local date → (median, p90, n)


def _timings(rows, timezone: str) -> Timings:
    zone = ZoneInfo(timezone)
    every, agents, channels, days = [], defaultdict(list), defaultdict(list), defaultdict(list)
    for agent_id, channel_id, at, seconds in rows:
        every.append(seconds)
        agents[agent_id].append(seconds)
        channels[channel_id].append(seconds)
        days[local_date(at, zone)].append(seconds)

    def split(groups):
        return {key: (*summary(values), len(values)) for key, values in groups.items()}

    return Timings(summary(every), len(every), split(agents), split(channels), split(days))


def first_response_times(workspace_id: int, rng: ReportRange, business: bool) -> Timings:
    """Conversations started in the range that got a reply; by the agent who first replied."""
    seconds = (
        ReportConversation.first_response_business_seconds if business else ReportConversation.first_response_seconds
    )
    start, end = rng.utc_bounds()
    rows = db.session.execute(
        sa.select(
            ReportConversation.responder_id, ReportConversation.channel_id, ReportConversation.started_at, seconds
        )
        .where(ReportConversation.workspace_id == workspace_id)
        .where(ReportConversation.started_at >= start, ReportConversation.started_at < end, seconds.is_not(None))
    )
    return _timings(rows, rng.timezone)


def resolution_times(workspace_id: int, rng: ReportRange, business: bool) -> Timings:
    """Conversations resolved in the range; by the assignee at resolution."""
    seconds = ReportConversation.resolution_business_seconds if business else ReportConversation.resolution_seconds
    start, end = rng.utc_bounds()
    rows = db.session.execute(
        sa.select(
            ReportConversation.resolver_id, ReportConversation.channel_id, ReportConversation.resolved_at, seconds
        )
        .where(ReportConversation.workspace_id == workspace_id)
        .where(ReportConversation.resolved_at >= start, ReportConversation.resolved_at < end, seconds.is_not(None))
    )
    return _timings(rows, rng.timezone)


def unanswered(workspace_id: int, rng: ReportRange) -> int:
    """Conversations started in the range still waiting for a first reply."""
    start, end = rng.utc_bounds()
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            ReportConversation.workspace_id == workspace_id,
            ReportConversation.started_at >= start,
            ReportConversation.started_at < end,
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
