"""Login throttling state and the audit log of security-relevant events."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.models.base import Base, utcnow


class LoginThrottle(Base):
    """Failed logins counted per account or per address; a lock ends at `locked_until`."""

    __table_args__ = (sa.UniqueConstraint("scope", "key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    scope: so.Mapped[str] = so.mapped_column(sa.String(10))  # "account" or "address"
    key: so.Mapped[str] = so.mapped_column(sa.String(254))
    failures: so.Mapped[int] = so.mapped_column(default=0)
    last_failure_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    locked_until: so.Mapped[datetime | None]


class AuditEvent(Base):
    """Who did what, from where, when. Never message content or secrets."""

    __table_args__ = (sa.Index("ix_audit_event_workspace_created", "workspace_id", "created_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    workspace_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("workspace.id", ondelete="CASCADE"))
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    action: so.Mapped[str] = so.mapped_column(sa.String(60), index=True)
    target: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    ip_address: so.Mapped[str | None] = so.mapped_column(sa.String(45))
    details: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    actor = so.relationship("User")
