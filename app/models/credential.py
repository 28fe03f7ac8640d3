"""Hashed one-time links and API tokens: the raw value is shown once and never stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.models.base import Base, TimestampMixin, WorkspaceScoped, utcnow
from app.models.types import enum_column
from app.models.user import User
from app.models.workspace import Role, Workspace


def hash_token(raw: str) -> str:
    """Tokens are long random strings, so a fast hash is enough (no KDF needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    raw = secrets.token_urlsafe(32)
    return raw, hash_token(raw)


class Invitation(WorkspaceScoped, TimestampMixin, Base):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254))
    role: so.Mapped[Role] = so.mapped_column(enum_column(Role))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    invited_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    expires_at: so.Mapped[datetime]
    accepted_at: so.Mapped[datetime | None]
    revoked_at: so.Mapped[datetime | None]

    workspace: so.Mapped[Workspace] = so.relationship()
    invited_by: so.Mapped[User | None] = so.relationship()

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > utcnow()


class PasswordReset(TimestampMixin, Base):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    expires_at: so.Mapped[datetime]
    used_at: so.Mapped[datetime | None]

    user: so.Mapped[User] = so.relationship()

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > utcnow()

    @staticmethod
    def lifetime(seconds: int) -> datetime:
        return utcnow() + timedelta(seconds=seconds)


class ApiToken(WorkspaceScoped, TimestampMixin, Base):
    """A member's personal token for the JSON API: acts as that member in that workspace."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    prefix: so.Mapped[str] = so.mapped_column(sa.String(12))
    last_used_at: so.Mapped[datetime | None]
    revoked_at: so.Mapped[datetime | None]

    user: so.Mapped[User] = so.relationship()
