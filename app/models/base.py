"""Declarative base, shared column helpers and the workspace-scoping mixin."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

# Named constraints keep Alembic's batch mode on SQLite and autogenerate diffs stable.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Naive UTC now: every timestamp is stored in UTC without a zone, on every database."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(so.DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)

    @so.declared_attr.directive
    def __tablename__(cls) -> str:
        """Singular snake_case table names: `WebhookEvent` → `webhook_event`."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


class TimestampMixin:
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class WorkspaceScoped:
    """A row that belongs to one workspace; `permissions.get_or_404` filters on this column."""

    @so.declared_attr
    def workspace_id(cls) -> so.Mapped[int]:
        return so.mapped_column(sa.ForeignKey("workspace.id", ondelete="CASCADE"), index=True)
