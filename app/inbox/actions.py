"""Staff moves on a conversation: read, assign, status, snooze, labels. Services: they never commit."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.inbox import live
from app.models import Conversation, ConversationLabel, ConversationStatus, Label, Membership, utcnow


class ActionError(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def mark_read(conversation: Conversation) -> bool:
    if conversation.unread_count == 0:
        return False
    conversation.unread_count = 0
    return True


def assign(conversation: Conversation, assignee_id: int | None) -> None:
    """Assign to a member of the conversation's workspace, or nobody (None)."""
    if assignee_id is not None:
        member = db.session.scalar(
            sa.select(Membership.id).where(
                Membership.workspace_id == conversation.workspace_id, Membership.user_id == assignee_id
            )
        )
        if member is None:
            raise ActionError(_("That person is not a member of this workspace."))
    conversation.assignee_id = assignee_id
    live.bump(conversation.workspace_id)


def set_status(conversation: Conversation, status: ConversationStatus) -> None:
    if status == ConversationStatus.SNOOZED:
        raise ActionError(_("Choose when the conversation should come back."))
    conversation.status = status
    conversation.snoozed_until = None
    conversation.resolved_at = utcnow() if status == ConversationStatus.RESOLVED else None
    live.bump(conversation.workspace_id)


def snooze(conversation: Conversation, until: datetime) -> None:
    """Hide until `until` (naive UTC); the caller enqueues `reopen_snoozed` for that time."""
    if until <= utcnow():
        raise ActionError(_("Choose a time in the future."))
    conversation.status = ConversationStatus.SNOOZED
    conversation.snoozed_until = until
    live.bump(conversation.workspace_id)


def reopen_if_due(conversation: Conversation, now: datetime | None = None) -> bool:
    now = now or utcnow()
    if conversation.status != ConversationStatus.SNOOZED or conversation.snoozed_until is None:
        return False
    if conversation.snoozed_until > now:
        return False
    conversation.status = ConversationStatus.OPEN
    conversation.snoozed_until = None
    live.bump(conversation.workspace_id)
    return True


def set_labels(conversation: Conversation, label_ids: list[int]) -> None:
    """Replace the conversation's labels with these (only this workspace's labels count)."""
    wanted = set(
        db.session.scalars(
            sa.select(Label.id).where(Label.workspace_id == conversation.workspace_id, Label.id.in_(label_ids or [0]))
        )
    )
    current = set(
        db.session.scalars(
            sa.select(ConversationLabel.label_id).where(ConversationLabel.conversation_id == conversation.id)
        )
    )
    for label_id in current - wanted:
        db.session.execute(
            sa.delete(ConversationLabel).where(
                ConversationLabel.conversation_id == conversation.id, ConversationLabel.label_id == label_id
            )
        )
    for label_id in wanted - current:
        db.session.add(ConversationLabel(conversation_id=conversation.id, label_id=label_id))
    live.bump(conversation.workspace_id)
