"""Login throttling per account and per address: after N failures, a lock of a few minutes."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import LoginThrottle, utcnow


def _keys(email: str, address: str | None) -> list[tuple[str, str]]:
    keys = [("account", email.strip().lower())]
    if address:
        keys.append(("address", address))
    return keys


def locked_until(email: str, address: str | None) -> datetime | None:
    """The latest lock that still holds for this account or this address, if any."""
    now = utcnow()
    locks = [
        row.locked_until for row in _rows(email, address) if row.locked_until is not None and row.locked_until > now
    ]
    return max(locks) if locks else None


def record_failure(email: str, address: str | None) -> datetime | None:
    """Count a failure for the account and the address; returns the lock's end if one starts."""
    config = current_app.config
    now = utcnow()
    existing = {(row.scope, row.key): row for row in _rows(email, address)}
    lock = None
    for scope, key in _keys(email, address):
        row = existing.get((scope, key))
        if row is None:
            row = LoginThrottle(scope=scope, key=key, failures=0)
            db.session.add(row)
        if row.locked_until is not None and row.locked_until <= now:
            row.failures, row.locked_until = 0, None  # the last lock ran out: start counting again
        row.failures += 1
        row.last_failure_at = now
        # An address is shared by offices and phones on one carrier: allow it more tries.
        limit = config["LOGIN_MAX_FAILURES"] * (1 if scope == "account" else 4)
        if row.failures >= limit:
            row.locked_until = now + timedelta(seconds=config["LOGIN_LOCK_SECONDS"])
            lock = row.locked_until
    return lock


def clear(email: str) -> None:
    db.session.execute(
        sa.delete(LoginThrottle).where(LoginThrottle.scope == "account", LoginThrottle.key == email.strip().lower())
    )


def _rows(email: str, address: str | None) -> list[LoginThrottle]:
    keys = _keys(email, address)
    conditions = [sa.and_(LoginThrottle.scope == scope, LoginThrottle.key == key) for scope, key in keys]
    return list(db.session.scalars(sa.select(LoginThrottle).where(sa.or_(*conditions))))
