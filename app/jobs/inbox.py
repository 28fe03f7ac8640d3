"""Inbox jobs: snoozed conversations come back on time."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.jobs import job
from app.models import Conversation, ConversationStatus, utcnow


@job("default", timeout=30)
def reopen_snoozed(conversation_id: int) -> bool:
    """Scheduled at the snooze time; a snooze changed meanwhile (later, or reopened) makes it a no-op."""
    from app.inbox.actions import reopen_if_due  # the inbox package imports this module

    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None or not reopen_if_due(conversation):
        return False
    db.session.commit()
    return True


@job("maintenance", timeout=120)
def reopen_due_snoozes() -> int:
    """Periodic sweep for snoozes whose delayed job Redis lost (or inline mode restarts)."""
    from app.inbox.actions import reopen_if_due

    due = db.session.scalars(
        sa.select(Conversation)
        .where(Conversation.status == ConversationStatus.SNOOZED, Conversation.snoozed_until <= utcnow())
        .limit(1000)
    )
    count = sum(1 for conversation in due if reopen_if_due(conversation))
    db.session.commit()
    return count
