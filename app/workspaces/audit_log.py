"""The owner's view of the audit log: one workspace's events, filtered and paginated by id."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Membership, Workspace

PAGE_SIZE = 50


def events(workspace: Workspace, *, action: str | None, before_id: int | None) -> list[AuditEvent]:
    """The workspace's own events, plus sign-in events of its members (recorded without a workspace)."""
    member_ids = sa.select(Membership.user_id).where(Membership.workspace_id == workspace.id)
    query = sa.select(AuditEvent).where(
        sa.or_(
            AuditEvent.workspace_id == workspace.id,
            sa.and_(AuditEvent.workspace_id.is_(None), AuditEvent.actor_id.in_(member_ids)),
        )
    )
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    if before_id:
        query = query.where(AuditEvent.id < before_id)
    return list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(PAGE_SIZE)))


def action_groups() -> list[str]:
    return ["login", "logout", "password", "member", "api_token", "workspace", "profile", "channel", "privacy"]
