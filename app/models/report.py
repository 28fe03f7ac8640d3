"""Pre-aggregated report data: daily rollups and per-conversation timings, kept by a job.

Report pages read only these tables (and a count of the open backlog), never every message.
Nothing here names a contact: rows hold counts and durations by day, channel and agent.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.models.base import Base, WorkspaceScoped


class DailyRollup(WorkspaceScoped, Base):
    """Counts for one local day (workspace time zone), channel and agent.

    Rows with agent_id NULL hold what no agent did: inbound messages, new conversations,
    automatic and echoed messages. A day is always rebuilt whole, so it never double counts.
    """

    __table_args__ = (sa.Index("ix_daily_rollup_day", "workspace_id", "day"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    day: so.Mapped[date]
    channel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("channel.id", ondelete="CASCADE"), index=True)
    agent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    messages_in: so.Mapped[int] = so.mapped_column(default=0)
    messages_out: so.Mapped[int] = so.mapped_column(default=0)  # everything sent to contacts, auto included
    replies: so.Mapped[int] = so.mapped_column(default=0)  # sent by this agent (message or template)
    new_conversations: so.Mapped[int] = so.mapped_column(default=0)
    resolutions: so.Mapped[int] = so.mapped_column(default=0)  # by the assignee at resolution


class ReportConversation(WorkspaceScoped, Base):
    """One conversation's timings: when the contact first wrote, first answer, resolution.

    Durations are stored in seconds, wall-clock and within business hours (None when the
    workspace sets no hours), so medians and percentiles are computed over real samples.
    """

    __table_args__ = (
        sa.Index("ix_report_conversation_started", "workspace_id", "started_day"),
        sa.Index("ix_report_conversation_resolved", "workspace_id", "resolved_day"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    conversation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("conversation.id", ondelete="CASCADE"), unique=True
    )
    channel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("channel.id", ondelete="CASCADE"), index=True)
    started_at: so.Mapped[datetime]  # first inbound message (UTC)
    started_day: so.Mapped[date]  # …its local day in the workspace's time zone
    first_response_at: so.Mapped[datetime | None]
    responder_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    first_response_seconds: so.Mapped[int | None]
    first_response_business_seconds: so.Mapped[int | None]
    resolved_at: so.Mapped[datetime | None]
    resolved_day: so.Mapped[date | None]
    resolver_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    resolution_seconds: so.Mapped[int | None]
    resolution_business_seconds: so.Mapped[int | None]


class ReportParticipation(WorkspaceScoped, Base):
    """An agent replied in a conversation on a local day: "conversations handled" counts
    distinct conversations over a range without reading messages."""

    __table_args__ = (
        sa.UniqueConstraint("conversation_id", "agent_id", "day"),
        # Covers "distinct conversations per agent over days" as an index-only scan.
        sa.Index("ix_report_participation_day", "workspace_id", "day", "agent_id", "conversation_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    day: so.Mapped[date]
    agent_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    conversation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("conversation.id", ondelete="CASCADE"))
    channel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("channel.id", ondelete="CASCADE"))


class ReportState(Base):
    """How far one workspace's report tables are up to date (UTC)."""

    workspace_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("workspace.id", ondelete="CASCADE"), primary_key=True)
    refreshed_through: so.Mapped[datetime]
    refreshed_at: so.Mapped[datetime]
    # Open and pending conversations per channel at the last refresh: {channel id: [open, pending]}.
    backlog: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
