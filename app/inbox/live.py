"""Live updates by conditional polling: a cheap fingerprint of what an open inbox tab shows.

The fingerprint reads the database (the truth, whoever stored the change: webhook ingestion,
a worker's status update or a colleague) plus a per-workspace Redis counter that staff actions
bump (status, assignment, labels). A tab polls it; only a change costs a re-render.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask import current_app
from redis.exceptions import RedisError

from app.extensions import db
from app.models import Conversation, Message

COUNT_CAP = 999


def _key(workspace_id: int) -> str:
    return f"conversa:inbox:version:{workspace_id}"


def bump(workspace_id: int) -> None:
    """Tell every open tab of the workspace that something not visible in timestamps changed."""
    try:
        current_app.extensions["redis"].incr(_key(workspace_id))
    except (RedisError, OSError):
        pass  # inline mode without Redis: timestamps alone still move the fingerprint


def _version(workspace_id: int) -> str:
    try:
        return (current_app.extensions["redis"].get(_key(workspace_id)) or b"0").decode()
    except (RedisError, OSError):
        return "0"


def fingerprint(workspace_id: int, conversation_id: int | None) -> tuple[str, int]:
    """(opaque version, conversations with unread messages): one SQL statement."""
    unread_rows = (
        sa.select(sa.literal(1))
        .where(Conversation.workspace_id == workspace_id, Conversation.unread_count > 0)
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    parts = [
        sa.select(sa.func.max(Conversation.last_message_at))
        .where(Conversation.workspace_id == workspace_id)
        .scalar_subquery(),
        sa.select(sa.func.count()).select_from(unread_rows).scalar_subquery(),
    ]
    if conversation_id:
        in_conversation = (Message.conversation_id == conversation_id, Message.workspace_id == workspace_id)
        parts += [
            sa.select(sa.func.max(Message.id)).where(*in_conversation).scalar_subquery(),
            sa.select(sa.func.max(Message.status_at)).where(*in_conversation).scalar_subquery(),
        ]
    row = db.session.execute(sa.select(*parts)).one()
    raw = "|".join(str(v) for v in row) + "|" + _version(workspace_id)
    return hashlib.blake2s(raw.encode(), digest_size=8).hexdigest(), int(row[1] or 0)
