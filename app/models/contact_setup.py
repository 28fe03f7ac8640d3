"""What a workspace defines around its contacts: custom fields, consent keywords and CSV imports."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.models.base import Base, TimestampMixin, WorkspaceScoped
from app.models.channel import ChannelKind
from app.models.contact import ConsentStatus
from app.models.types import enum_column


class ContactField(WorkspaceScoped, TimestampMixin, Base):
    """A custom field; values live in `Contact.custom_fields[key]`, usable as `{{ key }}` in campaigns."""

    __table_args__ = (sa.UniqueConstraint("workspace_id", "key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(40))
    label: so.Mapped[str] = so.mapped_column(sa.String(80))


class ConsentKeyword(WorkspaceScoped, Base):
    """An extra inbound keyword that grants or withdraws consent on a channel kind (WhatsApp opt-outs)."""

    __table_args__ = (sa.UniqueConstraint("workspace_id", "channel", "keyword"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    channel: so.Mapped[ChannelKind] = so.mapped_column(enum_column(ChannelKind))
    keyword: so.Mapped[str] = so.mapped_column(sa.String(40))
    action: so.Mapped[ConsentStatus] = so.mapped_column(enum_column(ConsentStatus))


class ImportStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class ContactImport(WorkspaceScoped, TimestampMixin, Base):
    """One CSV import: the uploaded file, its column mapping, progress and the rejected-rows report."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    filename: so.Mapped[str] = so.mapped_column(sa.String(255))
    file_key: so.Mapped[str] = so.mapped_column(sa.String(255))
    report_key: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    status: so.Mapped[ImportStatus] = so.mapped_column(enum_column(ImportStatus), default=ImportStatus.PENDING)
    # {"name": "Full name", "phone": "Mobile", "email": …, "tags": …, "field:city": "City"}
    mapping: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    tag_names: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    consent_channels: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    consent_source: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    total_rows: so.Mapped[int] = so.mapped_column(default=0)
    processed_rows: so.Mapped[int] = so.mapped_column(default=0)
    created_count: so.Mapped[int] = so.mapped_column(default=0)
    updated_count: so.Mapped[int] = so.mapped_column(default=0)
    rejected_count: so.Mapped[int] = so.mapped_column(default=0)
    error: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    finished_at: so.Mapped[datetime | None]

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.COMPLETED:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
