"""Raw provider events, stored before they are acknowledged: the source of truth for ingestion."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.models.base import Base, utcnow
from app.models.types import enum_column


class WebhookStatus(StrEnum):
    PENDING = "pending"
    PROCESSED = "processed"
    FAILED = "failed"  # malformed or raised; reason in last_error, retried by the sweeper
    UNROUTED = "unrouted"  # verified, but for a page/number/bot we don't know


class WebhookEvent(Base):
    """Not workspace-scoped: a Meta delivery may carry entries for several workspaces."""

    __table_args__ = (
        sa.UniqueConstraint("source", "dedupe_key"),
        sa.Index("ix_webhook_event_status", "status", "id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    source: so.Mapped[str] = so.mapped_column(sa.String(20))  # meta, telegram, twilio, email, stripe
    channel_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("channel.id", ondelete="SET NULL"), index=True)
    dedupe_key: so.Mapped[str] = so.mapped_column(sa.String(128))  # hash of the raw body (or provider id)
    payload: so.Mapped[dict | None] = so.mapped_column(sa.JSON)  # None once purged by retention
    status: so.Mapped[WebhookStatus] = so.mapped_column(enum_column(WebhookStatus), default=WebhookStatus.PENDING)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    received_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    processed_at: so.Mapped[datetime | None] = so.mapped_column(index=True)
    # A worker's claim on a pending event; a claim that outlives its worker simply expires.
    locked_until: so.Mapped[datetime | None]
    # The page/account/number id nobody has connected, for an unrouted event (shown to admins).
    route_id: so.Mapped[str | None] = so.mapped_column(sa.String(255))
