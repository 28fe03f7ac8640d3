"""Storing a verified provider event before it is acknowledged: the source of truth for ingestion."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import WebhookEvent, WebhookStatus, utcnow

INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def body_key(body: bytes) -> str:
    """A provider retry of the same delivery carries the same bytes."""
    return hashlib.sha256(body).hexdigest()


def scoped_key(channel_id: int, provider_key: str) -> str:
    """A provider's own id (update_id, MessageSid, Message-ID), unique per channel."""
    digest = hashlib.sha256(provider_key.encode()).hexdigest()[:64]
    return f"{channel_id}:{digest}"


def store_event(source: str, payload: dict, dedupe_key: str, channel_id: int | None = None) -> bool:
    """Add the event unless one with the same key exists; True when it is new. The caller commits."""
    values = {
        "source": source,
        "channel_id": channel_id,
        "dedupe_key": dedupe_key[:128],
        "payload": payload,
        "status": WebhookStatus.PENDING,
        "attempts": 0,
        "received_at": utcnow(),
    }
    insert = INSERTS.get(db.session.get_bind().dialect.name)
    if insert is not None:
        table = WebhookEvent.__table__
        statement = (
            insert(table)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["source", "dedupe_key"])
            .returning(table.c.id)
        )
        # Core, not an ORM bulk insert: one round trip, and RETURNING tells new from known.
        return db.session.connection().execute(statement).scalar() is not None
    exists = db.session.scalar(
        sa.select(WebhookEvent.id).where(WebhookEvent.source == source, WebhookEvent.dedupe_key == values["dedupe_key"])
    )
    if exists:
        return False
    db.session.add(WebhookEvent(**values))
    return True
