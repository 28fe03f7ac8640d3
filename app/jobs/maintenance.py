"""Housekeeping jobs that keep the database tidy."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.jobs import job
from app.models import Invitation, LoginThrottle, PasswordReset, utcnow


@job("maintenance", timeout=300)
def purge_expired_credentials() -> dict[str, int]:
    """Remove reset links and invitations that can no longer be used, and stale throttles."""
    now = utcnow()
    removed = {
        "password_resets": db.session.execute(
            sa.delete(PasswordReset).where(sa.or_(PasswordReset.expires_at < now, PasswordReset.used_at.is_not(None)))
        ).rowcount,
        "invitations": db.session.execute(
            sa.delete(Invitation).where(Invitation.expires_at < now - timedelta(days=30))
        ).rowcount,
        "login_throttles": db.session.execute(
            sa.delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - timedelta(days=1))
        ).rowcount,
    }
    db.session.commit()
    return removed
