"""Security incidents: the record, the 24-hour deadline to tell Meta, and the notification log."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import Incident, IncidentNotification, Membership, Role, User, Workspace

# Meta Platform Terms: notify Meta without undue delay, at most 24 hours after becoming aware.
META_NOTICE = timedelta(hours=24)


def deadline(incident: Incident) -> datetime:
    return incident.detected_at + META_NOTICE


def record_incident(
    workspace: Workspace, actor: User, *, title: str, detected_at: datetime, involves_meta_data: bool, description: str
) -> Incident:
    incident = Incident(
        workspace_id=workspace.id,
        title=title.strip(),
        detected_at=detected_at,
        involves_meta_data=involves_meta_data,
        description=description.strip(),
        recorded_by_id=actor.id,
    )
    db.session.add(incident)
    db.session.flush()
    audit.record("incident.recorded", workspace_id=workspace.id, actor_id=actor.id, target=f"incident:{incident.id}")
    return incident


def log_notification(incident: Incident, actor: User, recipient: str, method: str, note: str = "") -> None:
    incident.notifications.append(
        IncidentNotification(recipient=recipient, method=method.strip(), note=note.strip(), recorded_by_id=actor.id)
    )
    audit.record(
        "incident.notified", workspace_id=incident.workspace_id, actor_id=actor.id, target=f"incident:{incident.id}"
    )


def owner_emails(workspace_id: int) -> list[tuple[str, str | None]]:
    return list(
        db.session.execute(
            sa.select(User.email, User.locale)
            .join(Membership)
            .where(Membership.workspace_id == workspace_id, Membership.role == Role.OWNER, User.closed_at.is_(None))
        )
    )


def incidents_of(workspace: Workspace) -> list[Incident]:
    return list(
        db.session.scalars(
            sa.select(Incident).where(Incident.workspace_id == workspace.id).order_by(Incident.detected_at.desc())
        )
    )
