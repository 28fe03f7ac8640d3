"""The deletion engine: record a request with an unguessable code, find what it covers and
erase it, counting by category (CONTRACT §5). Callers commit, then enqueue `run_deletion`."""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from collections.abc import Mapping

import sqlalchemy as sa

from app import audit
from app.channels.adapters import meta
from app.channels.adapters.base import PermanentError, TransientError
from app.extensions import db
from app.models import (
    Channel,
    ChannelKind,
    Contact,
    ContactIdentity,
    DataRequest,
    DeletionRequest,
    DeletionSource,
    DeletionStatus,
    FacebookConnection,
    RequestKind,
    User,
    utcnow,
)
from app.privacy.erasure import as_counts, erase_contact

log = logging.getLogger(__name__)

META_KINDS = (ChannelKind.MESSENGER, ChannelKind.INSTAGRAM, ChannelKind.WHATSAPP)


def new_code() -> str:
    """192 random bits, URL-safe: the code is the only key to the status page."""
    return secrets.token_urlsafe(24)


def request_for_meta_user(user_id: str) -> DeletionRequest:
    """The open request for this Meta user, or a new one: a repeated callback gets the same code."""
    existing = db.session.scalar(
        sa.select(DeletionRequest)
        .where(
            DeletionRequest.source == DeletionSource.META,
            DeletionRequest.subject == user_id,
            DeletionRequest.status != DeletionStatus.COMPLETED,
        )
        .order_by(DeletionRequest.id)
        .limit(1)
    )
    if existing is not None:
        return existing
    request = DeletionRequest(code=new_code(), source=DeletionSource.META, subject=user_id)
    db.session.add(request)
    db.session.flush()
    audit.record("privacy.deletion_requested", target=f"deletion_request:{request.id}", source="meta")
    return request


def request_for_contact(contact: Contact, actor: User | None, source: DeletionSource = DeletionSource.STAFF):
    """A staff or API deletion of one contact, tracked like Meta's, with a code for the person."""
    request = DeletionRequest(
        code=new_code(),
        source=source,
        workspace_id=contact.workspace_id,
        contact_id=contact.id,
        requested_by_id=actor.id if actor else None,
    )
    db.session.add(request)
    db.session.flush()
    db.session.add(
        DataRequest(
            workspace_id=contact.workspace_id,
            kind=RequestKind.ERASURE,
            source=source.value,
            contact_id=contact.id,
            deletion_request_id=request.id,
            handled_by_id=actor.id if actor else None,
        )
    )
    audit.record(
        "privacy.deletion_requested",
        workspace_id=contact.workspace_id,
        actor_id=actor.id if actor else None,
        target=f"contact:{contact.id}",
        source=source.value,
    )
    return request


def page_scoped_ids(user_id: str, config: Mapping) -> list[tuple[str, str]]:
    """Graph's page-scoped ids for the user; [] when Graph can't say (CONTRACT §5: "when that call succeeds")."""
    try:
        return meta.ids_for_pages(config, user_id)
    except (TransientError, PermanentError) as error:
        log.warning("ids_for_pages failed: %s", error)
        return []


def find_subjects(user_id: str, page_ids: list[tuple[str, str]]) -> dict[int, set[int]]:
    """contact id → the channel ids whose identity is this Meta user, in every workspace."""
    found: dict[int, set[int]] = {}
    matches = [
        sa.and_(ContactIdentity.external_id == user_id, Channel.kind.in_(META_KINDS)),
        *(
            sa.and_(
                ContactIdentity.external_id == psid,
                Channel.external_id == page_id,
                Channel.kind == ChannelKind.MESSENGER,
            )
            for page_id, psid in page_ids
        ),
    ]
    rows = db.session.execute(
        sa.select(ContactIdentity.contact_id, ContactIdentity.channel_id)
        .join(Channel, Channel.id == ContactIdentity.channel_id)
        .where(sa.or_(*matches))
    )
    for contact_id, channel_id in rows:
        found.setdefault(contact_id, set()).add(channel_id)
    return found


def execute(request: DeletionRequest, config: Mapping) -> dict[str, int]:
    """Erase everything the request covers; marks it completed with its counts."""
    counts: Counter = Counter()
    retained: list[dict] = []
    if request.source == DeletionSource.META and request.subject:
        subjects = find_subjects(request.subject, page_scoped_ids(request.subject, config))
        workspaces = _workspaces_of(subjects)
        for contact_id, channel_ids in subjects.items():
            erase_contact(contact_id, counts, channel_ids)
        for workspace_id in workspaces:
            _log_meta_request(request, workspace_id)
        retained += _erase_facebook_connections(request.subject, counts)
    elif request.contact_id is not None:
        erase_contact(request.contact_id, counts)
    request.deleted = as_counts(counts)
    request.retained = retained
    request.status = DeletionStatus.COMPLETED
    request.completed_at = utcnow()
    request.subject = None  # no longer needed: the id itself is personal data
    request.last_error = None
    db.session.execute(
        sa.update(DataRequest).where(DataRequest.deletion_request_id == request.id).values(completed_at=utcnow())
    )
    audit.record(
        "privacy.deletion_completed",
        workspace_id=request.workspace_id,
        target=f"deletion_request:{request.id}",
        source=request.source.value,
        counts=request.deleted,
    )
    return request.deleted


def _workspaces_of(subjects: dict[int, set[int]]) -> set[int]:
    if not subjects:
        return set()
    return set(db.session.scalars(sa.select(Contact.workspace_id).where(Contact.id.in_(subjects))))


def _log_meta_request(request: DeletionRequest, workspace_id: int) -> None:
    """Each workspace whose data Meta's request touched sees it on its "Data requests" page."""
    db.session.add(
        DataRequest(
            workspace_id=workspace_id,
            kind=RequestKind.ERASURE,
            source=DeletionSource.META.value,
            deletion_request_id=request.id,
            received_at=request.received_at,
            completed_at=utcnow(),
        )
    )


def _erase_facebook_connections(user_id: str, counts: Counter) -> list[dict]:
    """A member's Facebook login goes; their Conversa account stays, as the policy explains."""
    connections = db.session.scalars(
        sa.select(FacebookConnection).where(FacebookConnection.facebook_user_id == user_id)
    )
    retained = []
    for connection in connections:
        db.session.delete(connection)
        counts["facebook_connections"] += 1
        retained = [
            {
                "category": "member_account",
                "reason": "The Conversa account of the business member who used this Facebook login is kept "
                "(name, e-mail, billing records) while the account is open and for up to five years after it "
                "is closed, for tax, accounting and legal obligations. The Facebook login and its tokens "
                "were deleted.",
            }
        ]
    return retained


def mark_failed(request_id: int, error: Exception) -> None:
    """Record a failure (never content) so the page says so and the sweeper retries it."""
    db.session.rollback()
    db.session.execute(
        sa.update(DeletionRequest)
        .where(DeletionRequest.id == request_id, DeletionRequest.status != DeletionStatus.COMPLETED)
        .values(status=DeletionStatus.FAILED, last_error=type(error).__name__[:300])
    )
    db.session.commit()
