"""Record security-relevant events. Callers pass ids and labels, never message content."""

from __future__ import annotations

from flask import has_request_context, request

from app.extensions import db
from app.models import AuditEvent


def record(
    action: str,
    *,
    workspace_id: int | None = None,
    actor_id: int | None = None,
    target: str | None = None,
    **details,
) -> AuditEvent:
    """Add an audit row to the session; the caller commits with the change it describes."""
    event = AuditEvent(
        action=action,
        workspace_id=workspace_id,
        actor_id=actor_id,
        target=target,
        ip_address=request.remote_addr if has_request_context() else None,
        details=details,
    )
    db.session.add(event)
    return event
