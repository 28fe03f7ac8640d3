"""Keep every workspace's report tables fresh (rollups and conversation timings)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.jobs import enqueue, job
from app.models import ReportState, Workspace, utcnow
from app.reports import rollups
from app.reports.business_hours import workspace_hours

log = logging.getLogger(__name__)

# Each refresh re-reads one more day than strictly new, for late provider timestamps and
# conversations resolved a while after their last message.
OVERLAP = timedelta(days=1)
NEVER = datetime(1970, 1, 1)  # a state row created before its first refresh finished


@job("maintenance", timeout=600)
def refresh_reports() -> int:
    """Periodic: one refresh job per open workspace."""
    ids = list(db.session.scalars(sa.select(Workspace.id).where(Workspace.closed_at.is_(None))))
    for workspace_id in ids:
        enqueue(refresh_workspace_reports, workspace_id)
    return len(ids)


@job("maintenance", timeout=1800)
def refresh_workspace_reports(workspace_id: int, full: bool = False) -> dict:
    """Rebuild the days since the last refresh (all days when `full`, e.g. after business hours change)."""
    workspace = db.session.get(Workspace, workspace_id)
    if workspace is None or workspace.closed_at is not None:
        return {}
    state = _lock_state(workspace_id)
    since = None if full or state.refreshed_through <= NEVER else state.refreshed_through - OVERLAP
    result = rollups.refresh_workspace(workspace, since=since, now=utcnow(), hours=workspace_hours(workspace))
    db.session.commit()
    log.info("reports refreshed workspace_id=%s %s", workspace_id, result)
    return result


def _lock_state(workspace_id: int) -> ReportState:
    """Serialise refreshes of one workspace: they delete and re-insert the same days."""
    if db.session.get(ReportState, workspace_id) is None:
        db.session.add(ReportState(workspace_id=workspace_id, refreshed_through=NEVER, refreshed_at=NEVER))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # another refresh created it first; the lock below waits for it
    return db.session.scalar(sa.select(ReportState).where(ReportState.workspace_id == workspace_id).with_for_update())
