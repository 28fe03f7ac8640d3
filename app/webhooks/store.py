"""Storing a verified provider event before it is acknowledged: the source of truth for ingestion."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from app.extensions import db
from app.models import WebhookStatus, utcnow

# Plain SQL that PostgreSQL and SQLite (3.35+) both run. SQLAlchemy 2.0 cannot cache its
# dialect `on_conflict_do_nothing()` construct and recompiled it on every webhook; a text
# statement compiles once. RETURNING tells a new event from one we already hold.
INSERT_EVENT = sa.text(
    "INSERT INTO webhook_event (source, channel_id, dedupe_key, payload, status, attempts, received_at) "
    "VALUES (:source, :channel_id, :dedupe_key, :payload, :status, 0, :received_at) "
    "ON CONFLICT (source, dedupe_key) DO NOTHING RETURNING id"
).bindparams(sa.bindparam("payload", type_=sa.JSON), sa.bindparam("received_at", type_=sa.DateTime))


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
        "status": WebhookStatus.PENDING.value,
        "received_at": utcnow(),
    }
    return db.session.execute(INSERT_EVENT, values).scalar() is not None
