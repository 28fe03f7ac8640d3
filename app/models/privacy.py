"""Privacy records: deletion requests, data-subject requests, per-workspace privacy settings,
members' Facebook connections, legal document versions and security incidents."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from app import secrets
from app.models.base import Base, TimestampMixin, WorkspaceScoped, utcnow
from app.models.types import enum_column


class DeletionStatus(StrEnum):
    """CONTRACT §3 statuses of the public status page."""

    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"


class DeletionSource(StrEnum):
    META = "meta"
    STAFF = "staff"
    API = "api"
    RETENTION = "retention"


class DeletionRequest(Base):
    """One run of the deletion engine. Holds counts by category, never content.

    `subject` (the Meta app-scoped user id) is kept only while the request is open: it is
    needed to find the data and to answer a repeated callback with the same code.
    """

    __table_args__ = (sa.Index("ix_deletion_request_open", "source", "subject", "status"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    source: so.Mapped[DeletionSource] = so.mapped_column(enum_column(DeletionSource))
    status: so.Mapped[DeletionStatus] = so.mapped_column(enum_column(DeletionStatus), default=DeletionStatus.RECEIVED)
    workspace_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("workspace.id", ondelete="SET NULL"), index=True
    )
    subject: so.Mapped[str | None] = so.mapped_column(sa.String(128))
    # Plain id, no foreign key: the contact is what this request deletes.
    contact_id: so.Mapped[int | None]
    requested_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    received_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    started_at: so.Mapped[datetime | None]
    completed_at: so.Mapped[datetime | None]
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    deleted: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    retained: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)


class RequestKind(StrEnum):
    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    OBJECTION = "objection"


class DataRequest(WorkspaceScoped, Base):
    """A data-subject request a workspace answered or is answering, for its "Data requests" page."""

    __table_args__ = (sa.Index("ix_data_request_workspace_received", "workspace_id", "received_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[RequestKind] = so.mapped_column(enum_column(RequestKind))
    source: so.Mapped[str] = so.mapped_column(sa.String(20))  # staff, api, meta
    contact_id: so.Mapped[int | None]  # plain id: an erased contact is gone
    deletion_request_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("deletion_request.id", ondelete="SET NULL")
    )
    handled_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    received_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    completed_at: so.Mapped[datetime | None]

    deletion_request: so.Mapped[DeletionRequest | None] = so.relationship()
    handled_by = so.relationship("User")


class PrivacyRegime(StrEnum):
    GDPR = "gdpr"  # one month
    ARCO = "arco"  # Mexico's LFPDPPP: 20 business days
    CCPA = "ccpa"  # 45 days


# The privacy policy's ceiling for Meta-sourced conversation data; a workspace may shorten it.
META_RETENTION_DAYS = 730


class PrivacySettings(Base):
    """One row per workspace (created on first use)."""

    workspace_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("workspace.id", ondelete="CASCADE"), primary_key=True)
    regime: so.Mapped[PrivacyRegime] = so.mapped_column(enum_column(PrivacyRegime), default=PrivacyRegime.GDPR)
    meta_retention_days: so.Mapped[int] = so.mapped_column(default=META_RETENTION_DAYS)
    anonymised_at: so.Mapped[datetime | None]


class FacebookConnection(TimestampMixin, Base):
    """A member's "continue with Facebook" login: the app-scoped id and its user token."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    facebook_user_id: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    encrypted_token: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    @property
    def token(self) -> str:
        return secrets.decrypt(self.encrypted_token).get("access_token", "") if self.encrypted_token else ""

    @token.setter
    def token(self, value: str) -> None:
        self.encrypted_token = secrets.encrypt({"access_token": value})


class LegalDocument(Base):
    """One published version of a legal page; the newest published_at is in force."""

    __table_args__ = (sa.UniqueConstraint("document", "version"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    document: so.Mapped[str] = so.mapped_column(sa.String(20))  # privacy, terms, cookies, subprocessors
    version: so.Mapped[str] = so.mapped_column(sa.String(20))
    published_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    # A material change makes signed-in people accept again (privacy and terms).
    material: so.Mapped[bool] = so.mapped_column(default=False)


class Incident(WorkspaceScoped, Base):
    """A security incident as the owner recorded it; Meta wants notice within 24 hours."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    detected_at: so.Mapped[datetime]
    involves_meta_data: so.Mapped[bool] = so.mapped_column(default=True)
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    closed_at: so.Mapped[datetime | None]

    notifications: so.Mapped[list[IncidentNotification]] = so.relationship(
        back_populates="incident", cascade="all, delete-orphan", order_by="IncidentNotification.id"
    )


class IncidentNotification(Base):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    incident_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("incident.id", ondelete="CASCADE"), index=True)
    recipient: so.Mapped[str] = so.mapped_column(sa.String(200))  # "meta", "owners", an authority
    method: so.Mapped[str] = so.mapped_column(sa.String(60))
    note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    notified_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    incident: so.Mapped[Incident] = so.relationship(back_populates="notifications")
