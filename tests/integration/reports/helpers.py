"""Conversations with known timings, in a workspace's local time, for report tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.extensions import db
from app.models import ConversationStatus, Direction, MessageKind, utcnow
from app.reports import rollups
from tests.factories import make_conversation, make_message


def local(text: str, timezone: str = "America/Mexico_City") -> datetime:
    """A wall-clock time in `timezone` as the naive UTC the database stores."""
    aware = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(timezone))
    return aware.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def exchange(channel, started: datetime, reply_after: int | None = None, agent=None, resolve_after: int | None = None):
    """A contact writes at `started`; `agent` replies `reply_after` seconds later; resolved after
    `resolve_after` seconds (assigned to `agent`)."""
    conversation = make_conversation(channel, created_at=started, assignee_id=agent.id if agent else None)
    make_message(conversation, Direction.IN, created_at=started)
    if reply_after is not None:
        make_message(
            conversation, Direction.OUT, created_at=started + timedelta(seconds=reply_after), sender_id=agent.id
        )
    if resolve_after is not None:
        conversation.status = ConversationStatus.RESOLVED
        conversation.resolved_at = started + timedelta(seconds=resolve_after)
        db.session.commit()
    return conversation


def automatic_and_note(conversation, at: datetime, agent) -> None:
    """An auto-reply and a private note: neither is a first response."""
    make_message(conversation, Direction.OUT, created_at=at, kind=MessageKind.AUTO)
    make_message(conversation, Direction.OUT, created_at=at, kind=MessageKind.NOTE, sender_id=agent.id)


def refresh(workspace, hours=None) -> dict:
    result = rollups.refresh_workspace(workspace, since=None, now=utcnow(), hours=hours)
    db.session.commit()
    return result
