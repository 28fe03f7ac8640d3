"""A business's customer: profile, identities on channels, tags and the consent ledger."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.models.base import Base, TimestampMixin, WorkspaceScoped, utcnow
from app.models.channel import ChannelKind
from app.models.types import enum_column


class Contact(WorkspaceScoped, TimestampMixin, Base):
    __table_args__ = (sa.Index("ix_contact_workspace_name", "workspace_id", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    phone: so.Mapped[str | None] = so.mapped_column(sa.String(32), index=True)  # E.164
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254), index=True)
    locale: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    avatar_url: so.Mapped[str | None] = so.mapped_column(sa.String(1000))
    custom_fields: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    identities: so.Mapped[list[ContactIdentity]] = so.relationship(
        back_populates="contact", cascade="all, delete-orphan"
    )
    tags: so.Mapped[list[Tag]] = so.relationship(secondary="contact_tag", order_by="Tag.name")

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else ""

    def __repr__(self) -> str:
        return f"<Contact {self.id}>"


class ContactIdentity(WorkspaceScoped, TimestampMixin, Base):
    """The contact as one channel knows them: PSID, IGSID, wa_id, chat id, number or address."""

    __table_args__ = (
        sa.UniqueConstraint("channel_id", "external_id"),
        sa.Index("ix_contact_identity_external", "external_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contact_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    channel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("channel.id", ondelete="CASCADE"))
    external_id: so.Mapped[str] = so.mapped_column(sa.String(254))
    display_name: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    # Last inbound message on this identity: Meta's 24-hour window and WhatsApp's service window.
    last_inbound_at: so.Mapped[datetime | None]

    contact: so.Mapped[Contact] = so.relationship(back_populates="identities")
    channel = so.relationship("Channel")


class Tag(WorkspaceScoped, Base):
    __table_args__ = (sa.UniqueConstraint("workspace_id", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(60))


class ContactTag(Base):
    contact_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True)
    tag_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True)


class ConsentStatus(StrEnum):
    GRANTED = "granted"
    WITHDRAWN = "withdrawn"


class ConsentEvent(WorkspaceScoped, Base):
    """Append-only consent ledger per contact and channel kind; the newest event is the state."""

    __table_args__ = (sa.Index("ix_consent_event_contact_channel", "contact_id", "channel", "id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contact_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contact.id", ondelete="CASCADE"))
    channel: so.Mapped[ChannelKind] = so.mapped_column(enum_column(ChannelKind))  # sms, email, whatsapp
    status: so.Mapped[ConsentStatus] = so.mapped_column(enum_column(ConsentStatus))
    # import, form, keyword, api, staff, unsubscribe_link, bounce
    source: so.Mapped[str] = so.mapped_column(sa.String(30))
    evidence: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
