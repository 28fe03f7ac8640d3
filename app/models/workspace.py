"""A workspace (one business, the tenant) and the people in it with their roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.models.base import Base, TimestampMixin
from app.models.types import enum_column

if TYPE_CHECKING:
    from app.models.user import User


class Role(StrEnum):
    """Agents see the inbox and contacts; admins also channels, campaigns and settings;
    owners also billing and closing the workspace."""

    AGENT = "agent"
    ADMIN = "admin"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


class Workspace(TimestampMixin, Base):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    timezone: so.Mapped[str] = so.mapped_column(sa.String(64), default="UTC")
    default_country: so.Mapped[str] = so.mapped_column(sa.String(2), default="MX")
    closed_at: so.Mapped[datetime | None]

    memberships: so.Mapped[list[Membership]] = so.relationship(back_populates="workspace", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Workspace {self.id}>"


class Membership(TimestampMixin, Base):
    __table_args__ = (sa.UniqueConstraint("workspace_id", "user_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    workspace_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("workspace.id", ondelete="CASCADE"), index=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: so.Mapped[Role] = so.mapped_column(enum_column(Role))

    workspace: so.Mapped[Workspace] = so.relationship(back_populates="memberships")
    user: so.Mapped[User] = so.relationship(back_populates="memberships")
