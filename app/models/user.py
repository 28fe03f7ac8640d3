"""A person who signs in, with the legal acceptances and marketing choices they made."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from app.models.base import Base, TimestampMixin, utcnow
from app.models.workspace import Membership


class User(UserMixin, TimestampMixin, Base):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    locale: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    timezone: so.Mapped[str] = so.mapped_column(sa.String(64), default="UTC")
    # Bumped by "log out everywhere" and password changes: every older session stops working.
    session_version: so.Mapped[int] = so.mapped_column(default=1)
    age_confirmed_at: so.Mapped[datetime | None]
    closed_at: so.Mapped[datetime | None]

    memberships: so.Mapped[list[Membership]] = so.relationship(back_populates="user", cascade="all, delete-orphan")
    marketing_events: so.Mapped[list[MarketingConsentEvent]] = so.relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="MarketingConsentEvent.id"
    )

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt, a current memory-hard KDF; tests choose a cheaper method.
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def marketing_consent(self) -> bool:
        """Current state, derived from the append-only history."""
        return bool(self.marketing_events) and self.marketing_events[-1].granted

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class PolicyAcceptance(Base):
    """Which version of which legal document a person accepted, and when."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    document: so.Mapped[str] = so.mapped_column(sa.String(20))
    version: so.Mapped[str] = so.mapped_column(sa.String(20))
    accepted_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    ip_address: so.Mapped[str | None] = so.mapped_column(sa.String(45))


class MarketingConsentEvent(Base):
    """One grant or withdrawal of the optional marketing consent; never updated or deleted."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    granted: so.Mapped[bool]
    source: so.Mapped[str] = so.mapped_column(sa.String(20))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    user: so.Mapped[User] = so.relationship(back_populates="marketing_events")
