"""Per-conversation timings (first response, resolution) for percentiles over real samples.

Started = the contact's first message; first response = the first reply by a person
(a member, or an echo from the provider's own app) after it: automatic replies and private
notes never count. Resolution = until the conversation was resolved, while it stays resolved.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Conversation,
    ConversationStatus,
    Direction,
    Message,
    MessageKind,
    ReportConversation,
    Workspace,
)
from app.reports.business_hours import Hours, business_seconds

CHUNK = 500


def local_date(at: datetime, zone: ZoneInfo) -> date:
    """The local calendar day of a naive UTC instant."""
    return at.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date()


REPLY_KINDS = (MessageKind.MESSAGE, MessageKind.TEMPLATE)


def refresh_facts(workspace: Workspace, since: datetime, hours: Hours | None) -> int:
    """Recompute the timings of conversations with a message or a resolution since `since`."""
    changed = sa.or_(Conversation.last_message_at >= since, Conversation.resolved_at >= since)
    conversations = list(
        db.session.execute(
            sa.select(
                Conversation.id,
                Conversation.channel_id,
                Conversation.status,
                Conversation.resolved_at,
                Conversation.assignee_id,
            ).where(Conversation.workspace_id == workspace.id, changed)
        )
    )
    done = 0
    for start in range(0, len(conversations), CHUNK):
        done += _refresh_chunk(workspace, conversations[start : start + CHUNK], hours)
    return done


def _refresh_chunk(workspace: Workspace, conversations: list, hours: Hours | None) -> int:
    ids = [row.id for row in conversations]
    existing = {
        fact.conversation_id: fact
        for fact in db.session.scalars(sa.select(ReportConversation).where(ReportConversation.conversation_id.in_(ids)))
    }
    pending = [i for i in ids if i not in existing or existing[i].first_response_at is None]
    firsts = _first_exchanges(pending)
    done = 0
    zone = ZoneInfo(workspace.timezone)
    for row in conversations:
        fact = existing.get(row.id)
        if row.id in firsts:
            started_at, responded_at, responder_id = firsts[row.id]
            if fact is None:
                fact = ReportConversation(workspace_id=workspace.id, conversation_id=row.id, started_at=started_at)
                db.session.add(fact)
            fact.started_at, fact.first_response_at, fact.responder_id = started_at, responded_at, responder_id
        if fact is None:
            continue  # no message from the contact yet: nothing to time
        fact.channel_id = row.channel_id
        fact.started_day = local_date(fact.started_at, zone)
        _time(fact, workspace.timezone, hours)
        _resolve(fact, row, workspace.timezone, hours)
        fact.resolved_day = local_date(fact.resolved_at, zone) if fact.resolved_at else None
        done += 1
    return done


def _first_exchanges(ids: Iterable[int]) -> dict[int, tuple]:
    """conversation id → (first inbound at, first person's reply at or None, its sender)."""
    ids = list(ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Message.conversation_id, Message.created_at, Message.direction, Message.kind, Message.sender_id)
        .where(Message.conversation_id.in_(ids), Message.kind.in_((*REPLY_KINDS, MessageKind.AUTO)))
        .order_by(Message.conversation_id, Message.created_at, Message.id)
    )
    found: dict[int, tuple] = {}
    for conversation_id, created_at, direction, kind, sender_id in rows:
        first = found.get(conversation_id)
        if first is None:
            if direction == Direction.IN:
                found[conversation_id] = (created_at, None, None)
        elif first[1] is None and direction == Direction.OUT and kind in REPLY_KINDS:
            found[conversation_id] = (first[0], created_at, sender_id)
    return found


def _time(fact: ReportConversation, timezone: str, hours: Hours | None) -> None:
    if fact.first_response_at is None:
        fact.first_response_seconds = fact.first_response_business_seconds = None
        return
    fact.first_response_seconds = int((fact.first_response_at - fact.started_at).total_seconds())
    fact.first_response_business_seconds = (
        business_seconds(fact.started_at, fact.first_response_at, hours, timezone) if hours else None
    )


def _resolve(fact: ReportConversation, row, timezone: str, hours: Hours | None) -> None:
    if row.status != ConversationStatus.RESOLVED or row.resolved_at is None or row.resolved_at < fact.started_at:
        fact.resolved_at = fact.resolver_id = fact.resolution_seconds = fact.resolution_business_seconds = None
        return
    fact.resolved_at, fact.resolver_id = row.resolved_at, row.assignee_id
    fact.resolution_seconds = int((row.resolved_at - fact.started_at).total_seconds())
    fact.resolution_business_seconds = (
        business_seconds(fact.started_at, row.resolved_at, hours, timezone) if hours else None
    )
