"""Keep the report tables fresh: rebuild whole local days from messages, and conversation timings.

A refresh covers every local day (workspace time zone) from `since` to now: those days'
rollups are deleted and recomputed, so a refresh can run any number of times. Services
never commit; the job in app/jobs/reports.py does.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Conversation,
    ConversationStatus,
    DailyRollup,
    Direction,
    Message,
    MessageKind,
    ReportParticipation,
    ReportState,
    Workspace,
)
from app.reports import facts
from app.reports.business_hours import Hours
from app.reports.facts import local_date

COUNTERS = ("messages_in", "messages_out", "replies", "new_conversations", "resolutions")
REPLY_KINDS = (MessageKind.MESSAGE, MessageKind.TEMPLATE)
BACKLOG = (ConversationStatus.OPEN, ConversationStatus.PENDING)


def day_bounds(first: date, last: date, zone: ZoneInfo) -> list[datetime]:
    """Naive UTC instants of each local midnight from `first` to the day after `last`."""
    utc = ZoneInfo("UTC")
    days = (last - first).days + 2
    return [
        datetime.combine(first + timedelta(days=i), time(0), zone).astimezone(utc).replace(tzinfo=None)
        for i in range(days)
    ]


class DayBuckets:
    """Maps naive UTC instants to local days between two local dates."""

    def __init__(self, first: date, last: date, zone: ZoneInfo):
        self.first = first
        self.bounds = day_bounds(first, last, zone)

    @property
    def start(self) -> datetime:
        return self.bounds[0]

    @property
    def end(self) -> datetime:
        return self.bounds[-1]

    def day(self, at: datetime) -> date | None:
        index = bisect_right(self.bounds, at) - 1
        if 0 <= index < len(self.bounds) - 1:
            return self.first + timedelta(days=index)
        return None


def refresh_workspace(workspace: Workspace, *, since: datetime | None, now: datetime, hours: Hours | None) -> dict:
    """Rebuild the rollups of every local day from `since` (None: from the first message) to now."""
    zone = ZoneInfo(workspace.timezone)
    since = since or _earliest_activity(workspace.id) or now
    buckets = DayBuckets(local_date(since, zone), local_date(now, zone), zone)
    db.session.execute(
        sa.delete(DailyRollup).where(DailyRollup.workspace_id == workspace.id, DailyRollup.day >= buckets.first)
    )
    db.session.execute(
        sa.delete(ReportParticipation).where(
            ReportParticipation.workspace_id == workspace.id, ReportParticipation.day >= buckets.first
        )
    )
    counts: dict[tuple, Counter] = defaultdict(Counter)
    participations = _count_messages(workspace.id, buckets, counts)
    _count_conversations(workspace.id, buckets, counts)
    rollups = [
        {"workspace_id": workspace.id, "day": day, "channel_id": channel, "agent_id": agent}
        | {name: counter[name] for name in COUNTERS}
        for (day, channel, agent), counter in counts.items()
    ]
    if rollups:
        db.session.execute(sa.insert(DailyRollup), rollups)
    if participations:
        db.session.execute(
            sa.insert(ReportParticipation),
            [
                {"workspace_id": workspace.id, "day": d, "agent_id": a, "conversation_id": c, "channel_id": ch}
                for d, a, c, ch in participations
            ],
        )
    timed = facts.refresh_facts(workspace, buckets.start, hours)
    _mark_refreshed(workspace.id, now, _backlog(workspace.id))
    return {"days": len(buckets.bounds) - 1, "rollups": len(rollups), "conversations": timed}


def _earliest_activity(workspace_id: int) -> datetime | None:
    return db.session.scalar(sa.select(sa.func.min(Message.created_at)).where(Message.workspace_id == workspace_id))


def _touched_conversations(workspace_id: int, since: datetime):
    """Conversations with a message since `since` (their last_message_at is at least that)."""
    return sa.select(Conversation.id).where(
        Conversation.workspace_id == workspace_id, Conversation.last_message_at >= since
    )


def _count_messages(workspace_id: int, buckets: DayBuckets, counts: dict) -> set[tuple]:
    query = sa.select(
        Message.created_at,
        Message.channel_id,
        Message.sender_id,
        Message.direction,
        Message.kind,
        Message.conversation_id,
    ).where(
        Message.workspace_id == workspace_id,
        Message.conversation_id.in_(_touched_conversations(workspace_id, buckets.start)),
        Message.created_at >= buckets.start,
        Message.created_at < buckets.end,
        Message.kind != MessageKind.NOTE,
    )
    participations = set()
    for created_at, channel_id, sender_id, direction, kind, conversation_id in db.session.execute(
        query.execution_options(yield_per=5000)
    ):
        day = buckets.day(created_at)
        if direction == Direction.IN:
            counts[(day, channel_id, None)]["messages_in"] += 1
            continue
        agent = sender_id if kind in REPLY_KINDS else None
        counter = counts[(day, channel_id, agent)]
        counter["messages_out"] += 1
        if agent is not None:
            counter["replies"] += 1
            participations.add((day, agent, conversation_id, channel_id))
    return participations


def _count_conversations(workspace_id: int, buckets: DayBuckets, counts: dict) -> None:
    opened = db.session.execute(
        sa.select(Conversation.created_at, Conversation.channel_id).where(
            Conversation.workspace_id == workspace_id,
            Conversation.last_message_at >= buckets.start,
            Conversation.created_at >= buckets.start,
        )
    )
    for created_at, channel_id in opened:
        if (day := buckets.day(created_at)) is not None:
            counts[(day, channel_id, None)]["new_conversations"] += 1
    resolved = db.session.execute(
        sa.select(Conversation.resolved_at, Conversation.channel_id, Conversation.assignee_id).where(
            Conversation.workspace_id == workspace_id,
            Conversation.status == ConversationStatus.RESOLVED,
            Conversation.resolved_at >= buckets.start,
        )
    )
    for resolved_at, channel_id, assignee_id in resolved:
        if (day := buckets.day(resolved_at)) is not None:
            counts[(day, channel_id, assignee_id)]["resolutions"] += 1


def _backlog(workspace_id: int) -> dict[str, list[int]]:
    """Open and pending conversations per channel, counted once per refresh rather than per page view."""
    rows = db.session.execute(
        sa.select(Conversation.channel_id, Conversation.status, sa.func.count())
        .where(Conversation.workspace_id == workspace_id, Conversation.status.in_(BACKLOG))
        .group_by(Conversation.channel_id, Conversation.status)
    )
    backlog: dict[str, list[int]] = {}
    for channel_id, status, count in rows:
        backlog.setdefault(str(channel_id), [0, 0])[BACKLOG.index(status)] = count
    return backlog


def _mark_refreshed(workspace_id: int, now: datetime, backlog: dict) -> None:
    state = db.session.get(ReportState, workspace_id)
    if state is None:
        state = ReportState(workspace_id=workspace_id)
        db.session.add(state)
    state.refreshed_through = state.refreshed_at = now
    state.backlog = backlog
