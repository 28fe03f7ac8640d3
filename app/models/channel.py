"""A connected channel: one Page, Instagram account, WhatsApp number, bot, SMS number or mailbox."""

from __future__ import annotations

import secrets as stdlib_secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from app import secrets
from app.models.base import Base, TimestampMixin, WorkspaceScoped
from app.models.types import enum_column


class ChannelKind(StrEnum):
    """CONTRACT §2 types."""

    MESSENGER = "messenger"
    INSTAGRAM = "instagram"
    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"
    SMS = "sms"
    EMAIL = "email"


class ChannelStatus(StrEnum):
    ACTIVE = "active"
    NEEDS_ATTENTION = "needs_attention"
    DISCONNECTED = "disconnected"


def new_channel_key() -> str:
    """Unguessable key in the channel's webhook URLs (/webhooks/telegram/<key>)."""
    return stdlib_secrets.token_urlsafe(24)


class Channel(WorkspaceScoped, TimestampMixin, Base):
    """What a channel *is*; what it *does* lives in its adapter (app/channels/adapters)."""

    __table_args__ = (sa.Index("ix_channel_kind_external", "kind", "external_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[ChannelKind] = so.mapped_column(enum_column(ChannelKind))
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True, default=new_channel_key)
    # The provider's id for routing inbound events: page id, IG user id, phone-number id,
    # bot id, E.164 number or inbound address.
    external_id: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    status: so.Mapped[ChannelStatus] = so.mapped_column(enum_column(ChannelStatus), default=ChannelStatus.ACTIVE)
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    # Non-secret settings (waba_id, smtp_host, from_number, …).
    settings: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    # Tokens and passwords, Fernet-encrypted (app/secrets.py); read through `credentials`.
    encrypted_credentials: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    rate_per_second: so.Mapped[float] = so.mapped_column(default=1.0)
    disconnected_at: so.Mapped[datetime | None]

    @property
    def credentials(self) -> dict:
        return secrets.decrypt(self.encrypted_credentials)

    @credentials.setter
    def credentials(self, values: dict) -> None:
        self.encrypted_credentials = secrets.encrypt(values)

    @property
    def is_active(self) -> bool:
        return self.status != ChannelStatus.DISCONNECTED

    def __repr__(self) -> str:
        return f"<Channel {self.id} {self.kind}>"
