"""Keyset pagination for API lists: `?limit=` (default 25, max 100) and an opaque `?cursor=`."""

from __future__ import annotations

import base64
import json
from datetime import datetime

import sqlalchemy as sa
from flask import abort, request

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


def requested_limit() -> int:
    raw = request.args.get("limit", "")
    if not raw:
        return DEFAULT_LIMIT
    if not raw.isdigit() or int(raw) < 1:
        abort(400, "limit must be a positive integer")
    return min(int(raw), MAX_LIMIT)


def encode_cursor(moment: datetime, ident: int) -> str:
    raw = json.dumps([moment.isoformat(), ident]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        moment, ident = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return datetime.fromisoformat(moment), int(ident)
    except (ValueError, TypeError):
        abort(400, "cursor is not valid")


def newest_first(query: sa.Select, time_column, id_column, key) -> tuple[list, str | None]:
    """One page of `query`, newest first by (time, id); `key(row)` gives a row's (time, id)."""
    limit = requested_limit()
    if cursor := request.args.get("cursor"):
        moment, ident = decode_cursor(cursor)
        query = query.where(sa.tuple_(time_column, id_column) < sa.tuple_(sa.literal(moment), sa.literal(ident)))
    from app.extensions import db

    rows = list(db.session.scalars(query.order_by(time_column.desc(), id_column.desc()).limit(limit + 1)))
    next_cursor = encode_cursor(*key(rows[limit - 1])) if len(rows) > limit else None
    return rows[:limit], next_cursor
