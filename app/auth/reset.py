"""Password reset by one-time link: expires, works once, never reveals whether an address exists."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from app import audit
from app.auth.accounts import end_all_sessions, find_user
from app.extensions import db
from app.models import PasswordReset, User, hash_token, new_token, utcnow


def start_reset(email: str) -> tuple[User, str] | None:
    """Create a reset link for an existing, open account; None (and no hint) otherwise."""
    user = find_user(email)
    if user is None or user.closed_at is not None:
        return None
    raw, digest = new_token()
    db.session.add(
        PasswordReset(
            user=user, token_hash=digest, expires_at=PasswordReset.lifetime(current_app.config["RESET_TOKEN_SECONDS"])
        )
    )
    audit.record("password.reset_requested", actor_id=user.id)
    return user, raw


def usable_reset(raw: str) -> PasswordReset | None:
    reset = db.session.scalar(sa.select(PasswordReset).where(PasswordReset.token_hash == hash_token(raw)))
    return reset if reset is not None and reset.is_usable else None


def finish_reset(reset: PasswordReset, password: str) -> User:
    """Set the new password, spend the link (and any other open link), end every session."""
    user = reset.user
    user.set_password(password)
    now = utcnow()
    db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    end_all_sessions(user)
    audit.record("password.reset", actor_id=user.id)
    return user
