"""Conversations, their messages and attachments."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.models.base import Base, TimestampMixin, WorkspaceScoped, utcnow
from app.models.types import enum_column


class ConversationStatus(StrEnum):
    OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"
    SNOOZED = "snoozed"


class Conversation(WorkspaceScoped, TimestampMixin, Base):
    """One thread with one contact identity on one channel; reopened by new inbound messages.

    last_message_at, preview and unread_count are denormalised so the inbox list never
    aggregates over messages.
    """

    __table_args__ = (
        sa.Index("ix_conversation_inbox", "workspace_id", "last_message_at", "id"),
        sa.Index("ix_conversation_status", "workspace_id", "status", "last_message_at", "id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    channel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("channel.id", ondelete="CASCADE"), index=True)
    contact_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    identity_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("contact_identity.id", ondelete="SET NULL"), index=True
    )
    status: so.Mapped[ConversationStatus] = so.mapped_column(
        enum_column(ConversationStatus), default=ConversationStatus.OPEN
    )
    assignee_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    subject: so.Mapped[str | None] = so.mapped_column(sa.String(300))  # e-mail threads
    last_message_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_inbound_at: so.Mapped[datetime | None]
    preview: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    unread_count: so.Mapped[int] = so.mapped_column(default=0)
    snoozed_until: so.Mapped[datetime | None]
    resolved_at: so.Mapped[datetime | None]

    channel = so.relationship("Channel")
    contact = so.relationship("Contact")
    identity = so.relationship("ContactIdentity")
    assignee = so.relationship("User")


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class MessageKind(StrEnum):
    MESSAGE = "message"  # to or from the contact
    NOTE = "note"  # private, never sent
    AUTO = "auto"  # sent by an automation (away, keyword)
    TEMPLATE = "template"  # WhatsApp template


class MessageStatus(StrEnum):
    """CONTRACT §4: received for inbound; queued < sent < delivered < read; failed is final."""

    RECEIVED = "received"
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a worker around the provider call; shown as queued
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


# Statuses only move forward; a late "delivered" never undoes "read".
STATUS_RANK = {
    MessageStatus.QUEUED: 0,
    MessageStatus.SENDING: 1,
    MessageStatus.SENT: 2,
    MessageStatus.DELIVERED: 3,
    MessageStatus.READ: 4,
}


class Message(WorkspaceScoped, Base):
    __table_args__ = (
        # A provider retry or replay of the same message is a no-op (NULLs do not collide).
        sa.UniqueConstraint("channel_id", "provider_message_id"),
        sa.Index("ix_message_conversation", "conversation_id", "created_at", "id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    conversation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("conversation.id", ondelete="CASCADE"))
    channel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("channel.id", ondelete="CASCADE"))
    direction: so.Mapped[Direction] = so.mapped_column(enum_column(Direction, length=3))
    kind: so.Mapped[MessageKind] = so.mapped_column(enum_column(MessageKind), default=MessageKind.MESSAGE)
    text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    status: so.Mapped[MessageStatus] = so.mapped_column(enum_column(MessageStatus))
    error: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    provider_message_id: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    sender_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # Sent from the provider's own app (an echo), not from Conversa.
    is_echo: so.Mapped[bool] = so.mapped_column(default=False)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    # Provider-specific extras: e-mail Message-ID/In-Reply-To, WhatsApp template, reply markup.
    meta: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    status_at: so.Mapped[datetime | None]

    conversation = so.relationship("Conversation")
    sender = so.relationship("User")
    attachments: so.Mapped[list[Attachment]] = so.relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="Attachment.id"
    )

    def advance(self, status: MessageStatus, error: str | None = None) -> bool:
        """Move an outbound status forward only; `failed` is final. True when it changed."""
        if self.status in (MessageStatus.FAILED, MessageStatus.RECEIVED):
            return False
        if status == MessageStatus.FAILED:
            self.status, self.error, self.status_at = status, error, utcnow()
            return True
        if STATUS_RANK.get(status, -1) <= STATUS_RANK.get(self.status, -1):
            return False
        self.status, self.status_at = status, utcnow()
        return True


class AttachmentState(StrEnum):
    PENDING = "pending"  # known from the payload, not downloaded yet
    STORED = "stored"
    FAILED = "failed"  # refused (size, type, address) or unreachable; reason in `error`


class Attachment(WorkspaceScoped, Base):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    message_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("message.id", ondelete="CASCADE"), index=True)
    content_type: so.Mapped[str] = so.mapped_column(sa.String(120), default="application/octet-stream")
    size: so.Mapped[int | None]
    filename: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    # Where the provider keeps it (URL, media id, file id); never shown to the public.
    source: so.Mapped[str | None] = so.mapped_column(sa.Text)
    storage_key: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    state: so.Mapped[AttachmentState] = so.mapped_column(enum_column(AttachmentState), default=AttachmentState.PENDING)
    error: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    message: so.Mapped[Message] = so.relationship(back_populates="attachments")
