"""Campaigns: saved segments, the campaign, one row per recipient with its state, links, suppressions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.models.base import Base, TimestampMixin, WorkspaceScoped, utcnow
from app.models.types import enum_column


class CampaignStatus(StrEnum):
    """CONTRACT §4 statuses."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELED = "canceled"


class RecipientState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a worker around the provider call; counted as queued
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    SKIPPED = "skipped"  # no consent, opted out, suppressed or no address: never sent


# Delivery news only moves a recipient forward.
RECIPIENT_RANK = {
    RecipientState.QUEUED: 0,
    RecipientState.SENDING: 1,
    RecipientState.SENT: 2,
    RecipientState.DELIVERED: 3,
    RecipientState.READ: 4,
}


class Segment(WorkspaceScoped, TimestampMixin, Base):
    """A saved contact filter: {"tags": [names], "q": text, "channel": kind, "consent": state}."""

    __table_args__ = (sa.UniqueConstraint("workspace_id", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    filters: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)


class Campaign(WorkspaceScoped, TimestampMixin, Base):
    __table_args__ = (sa.Index("ix_campaign_due", "status", "scheduled_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    channel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("channel.id", ondelete="CASCADE"), index=True)
    status: so.Mapped[CampaignStatus] = so.mapped_column(enum_column(CampaignStatus), default=CampaignStatus.DRAFT)
    # {"tags": [names], "segment_ids": [ids]}: contacts matching any of them.
    audience: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    subject: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # WhatsApp: {"name", "language", "variables": ["{{ first_name }}", …]}
    template: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    scheduled_at: so.Mapped[datetime | None]  # UTC
    started_at: so.Mapped[datetime | None]
    finished_at: so.Mapped[datetime | None]
    audience_ready: so.Mapped[bool] = so.mapped_column(default=False)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    channel = so.relationship("Channel")

    @property
    def is_editable(self) -> bool:
        return self.status in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED)


class CampaignRecipient(Base):
    """One contact in one campaign. Unique per (campaign, contact): sent at most once."""

    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "contact_id"),
        sa.Index("ix_campaign_recipient_state", "campaign_id", "state", "id"),
        sa.Index("ix_campaign_recipient_provider", "channel_id", "provider_message_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    campaign_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    contact_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    channel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("channel.id", ondelete="CASCADE"))
    address: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    state: so.Mapped[RecipientState] = so.mapped_column(enum_column(RecipientState), default=RecipientState.QUEUED)
    error: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    provider_message_id: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    # Which claim (a worker's batch) holds the row while `sending`; its journal lives in Redis.
    claim_token: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    claimed_at: so.Mapped[datetime | None]
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    sent_at: so.Mapped[datetime | None]
    delivered_at: so.Mapped[datetime | None]
    read_at: so.Mapped[datetime | None]
    clicked_at: so.Mapped[datetime | None]
    failed_at: so.Mapped[datetime | None]

    contact = so.relationship("Contact")


class Link(Base):
    """A link in a campaign body, rewritten to /c/<token> so clicks are counted."""

    __table_args__ = (sa.UniqueConstraint("campaign_id", "url"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    campaign_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    url: so.Mapped[str] = so.mapped_column(sa.String(2000))
    clicks: so.Mapped[int] = so.mapped_column(default=0)


class Suppression(WorkspaceScoped, TimestampMixin, Base):
    """An address no campaign may reach again (hard bounce, complaint)."""

    __table_args__ = (sa.UniqueConstraint("workspace_id", "address"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    address: so.Mapped[str] = so.mapped_column(sa.String(254))  # lower-cased e-mail or E.164
    reason: so.Mapped[str] = so.mapped_column(sa.String(500))
    campaign_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("campaign.id", ondelete="SET NULL"))
