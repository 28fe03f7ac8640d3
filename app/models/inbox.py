"""The inbox's own rows: labels, canned responses, and each workspace's inbox and automation settings."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.models.base import Base, TimestampMixin, WorkspaceScoped

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Label(WorkspaceScoped, TimestampMixin, Base):
    __table_args__ = (sa.UniqueConstraint("workspace_id", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(40))


class ConversationLabel(Base):
    conversation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("conversation.id", ondelete="CASCADE"), primary_key=True
    )
    label_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("label.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CannedResponse(WorkspaceScoped, TimestampMixin, Base):
    """A saved answer an agent inserts by typing `/shortcut` in the reply box."""

    __table_args__ = (sa.UniqueConstraint("workspace_id", "shortcut"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    shortcut: so.Mapped[str] = so.mapped_column(sa.String(40))
    text: so.Mapped[str] = so.mapped_column(sa.Text)


class InboxSettings(WorkspaceScoped, Base):
    """One row per workspace: channel-rule options and the away reply (business hours in its time zone)."""

    __table_args__ = (sa.UniqueConstraint("workspace_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # Messenger's HUMAN_AGENT tag lets staff answer up to 7 days after the contact's last message.
    human_agent_tag: so.Mapped[bool] = so.mapped_column(default=False)
    away_enabled: so.Mapped[bool] = so.mapped_column(default=False)
    away_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    away_period_hours: so.Mapped[int] = so.mapped_column(default=24)
    # {"mon": ["09:00", "17:00"], …}; a missing day is closed all day.
    business_hours: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)


class KeywordRule(WorkspaceScoped, TimestampMixin, Base):
    """Answer an inbound message containing `keyword` (a whole word, any case) with `reply`."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    keyword: so.Mapped[str] = so.mapped_column(sa.String(60))
    reply: so.Mapped[str] = so.mapped_column(sa.Text)
    active: so.Mapped[bool] = so.mapped_column(default=True)


def _declare_inbox_indexes() -> None:
    """Indexes on the shared conversation and message tables that serve the inbox's filters and search."""
    from app.models.contact import Contact
    from app.models.conversation import Conversation, Message

    sa.Index(
        "ix_conversation_assignee_inbox",
        Conversation.workspace_id,
        Conversation.assignee_id,
        Conversation.last_message_at,
        Conversation.id,
    )
    sa.Index(
        "ix_conversation_channel_inbox",
        Conversation.workspace_id,
        Conversation.channel_id,
        Conversation.last_message_at,
        Conversation.id,
    )
    # PostgreSQL full-text search ('simple': no stemming, fits every language); SQLite uses LIKE.
    sa.Index(
        "ix_message_text_fts",
        sa.func.to_tsvector(sa.literal_column("'simple'"), Message.__table__.c.text),
        postgresql_using="gin",
        _table=Message.__table__,
    )
    sa.Index(
        "ix_contact_name_fts",
        sa.func.to_tsvector(sa.literal_column("'simple'"), Contact.__table__.c.name),
        postgresql_using="gin",
        _table=Contact.__table__,
    )


_declare_inbox_indexes()
