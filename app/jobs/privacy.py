"""Privacy jobs: run a deletion request, retry stuck ones, apply retention, announce policy changes."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from rq import Retry

from app.extensions import db
from app.jobs import enqueue, job
from app.jobs.mail import send_email
from app.jobs.maintenance import purge_expired_credentials
from app.mailer import compose
from app.models import DeletionRequest, DeletionStatus, utcnow
from app.privacy import deletion, legal, retention

log = logging.getLogger(__name__)

# A failed deletion is retried by RQ first, then by the sweeper below every 15 minutes.
DELETION_RETRY = Retry(max=3, interval=[30, 300, 1800])
STUCK_AFTER = timedelta(minutes=15)


@job("maintenance", timeout=600, retry=DELETION_RETRY)
def run_deletion(request_id: int) -> dict | None:
    """Claim the request, erase what it covers, record counts; on error mark it failed and re-raise."""
    claimed = db.session.execute(
        sa.update(DeletionRequest)
        .where(
            DeletionRequest.id == request_id,
            DeletionRequest.status.in_([DeletionStatus.RECEIVED, DeletionStatus.FAILED, DeletionStatus.IN_PROGRESS]),
        )
        .values(status=DeletionStatus.IN_PROGRESS, started_at=utcnow(), attempts=DeletionRequest.attempts + 1)
    ).rowcount
    db.session.commit()
    if not claimed:
        return None
    request = db.session.get(DeletionRequest, request_id)
    try:
        counts = deletion.execute(request, current_app.config)
        db.session.commit()
    except Exception as error:
        log.exception("deletion request %s failed", request_id)
        deletion.mark_failed(request_id, error)
        raise
    log.info("deletion request %s completed", request_id)
    return counts


@job("maintenance", timeout=120)
def retry_open_deletions() -> list[int]:
    """Re-enqueue requests that failed, or that Redis lost before a worker took them."""
    cutoff = utcnow() - STUCK_AFTER
    ids = list(
        db.session.scalars(
            sa.select(DeletionRequest.id).where(
                sa.or_(
                    DeletionRequest.status == DeletionStatus.FAILED,
                    sa.and_(
                        DeletionRequest.status.in_([DeletionStatus.RECEIVED, DeletionStatus.IN_PROGRESS]),
                        sa.func.coalesce(DeletionRequest.started_at, DeletionRequest.received_at) < cutoff,
                    ),
                )
            )
        )
    )
    for request_id in ids:
        enqueue(run_deletion, request_id)
    return ids


@job("default", timeout=600)
def announce_policy_change(document: str, version: str) -> int:
    """E-mail every member about a material change, each in their own language."""
    link = f"{current_app.config['BASE_URL']}/legal/{document}"
    sent = 0
    for email, locale in legal.member_emails():
        with force_locale(locale or "en"):
            subject = _("We have updated our %(document)s", document=legal.title(document))
            message = compose(
                email, subject, "policy_changed", document=legal.title(document), version=version, link=link
            )
        enqueue(send_email, *message)
        sent += 1
    return sent


@job("maintenance", timeout=3600)
def run_retention(now_iso: str | None = None) -> dict[str, int]:
    """Apply every retention rule (daily); returns what was removed, by category."""
    now = datetime.fromisoformat(now_iso) if now_iso else utcnow()
    counts = retention.apply(now)
    db.session.commit()
    counts.update(purge_expired_credentials())
    log.info("retention run: %s", counts)
    return counts
