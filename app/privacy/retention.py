"""Retention rules the privacy policy promises, applied by a daily job and `flask retention run`.

Every rule takes `now`, so tests move the clock instead of waiting.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import (
    META_RETENTION_DAYS,
    ApiToken,
    AuditEvent,
    Channel,
    ChannelKind,
    Contact,
    ContactIdentity,
    Conversation,
    DeletionRequest,
    DeletionSource,
    DeletionStatus,
    FacebookConnection,
    Invitation,
    MarketingConsentEvent,
    Membership,
    PolicyAcceptance,
    PrivacySettings,
    Tag,
    User,
    WebhookEvent,
    Workspace,
)
from app.privacy.account_data import ACCOUNT_RETENTION
from app.privacy.deletion import new_code
from app.privacy.erasure import erase_contact, erase_conversations

META_KINDS = (ChannelKind.MESSENGER, ChannelKind.INSTAGRAM, ChannelKind.WHATSAPP)
WEBHOOK_PAYLOAD_DAYS = 7


def meta_retention_days(workspace_id: int) -> int:
    """The workspace's choice, never longer than the policy's two years."""
    chosen = db.session.scalar(
        sa.select(PrivacySettings.meta_retention_days).where(PrivacySettings.workspace_id == workspace_id)
    )
    return max(1, min(chosen or META_RETENTION_DAYS, META_RETENTION_DAYS))


def expire_meta_conversations(now: datetime, counts: Counter) -> None:
    """Messenger, Instagram and WhatsApp data goes N days after the last interaction;
    an identity with no conversation left, and then a profile with no identity, go too."""
    workspace_ids = db.session.scalars(
        sa.select(Channel.workspace_id).where(Channel.kind.in_(META_KINDS)).distinct()
    ).all()
    for workspace_id in workspace_ids:
        cutoff = now - timedelta(days=meta_retention_days(workspace_id))
        meta_channels = sa.select(Channel.id).where(Channel.workspace_id == workspace_id, Channel.kind.in_(META_KINDS))
        old = sa.select(Conversation.id).where(
            Conversation.channel_id.in_(meta_channels), Conversation.last_message_at < cutoff
        )
        erase_conversations(list(db.session.scalars(old)), counts)
        idle = db.session.execute(
            sa.select(ContactIdentity.contact_id, ContactIdentity.channel_id).where(
                ContactIdentity.channel_id.in_(meta_channels),
                sa.func.coalesce(ContactIdentity.last_inbound_at, ContactIdentity.created_at) < cutoff,
                ~sa.exists().where(
                    Conversation.contact_id == ContactIdentity.contact_id,
                    Conversation.channel_id == ContactIdentity.channel_id,
                ),
            )
        ).all()
        for contact_id, channel_id in idle:
            erase_contact(contact_id, counts, [channel_id])


def purge_webhook_payloads(now: datetime, counts: Counter) -> None:
    """Raw provider payloads are only needed until processed (and a week to investigate)."""
    counts["webhook_payloads"] += db.session.execute(
        sa.update(WebhookEvent)
        .where(
            WebhookEvent.processed_at < now - timedelta(days=WEBHOOK_PAYLOAD_DAYS),
            WebhookEvent.payload.is_not(None),
        )
        .values(payload=None)
    ).rowcount


def anonymise_closed(now: datetime, counts: Counter) -> None:
    """Five years after closing, workspaces and accounts are irreversibly anonymised."""
    cutoff = now - ACCOUNT_RETENTION
    workspaces = db.session.scalars(
        sa.select(Workspace)
        .outerjoin(PrivacySettings, PrivacySettings.workspace_id == Workspace.id)
        .where(Workspace.closed_at < cutoff, PrivacySettings.anonymised_at.is_(None))
    ).all()
    for workspace in workspaces:
        _anonymise_workspace(workspace, now, counts)
    users = db.session.scalars(sa.select(User).where(User.closed_at < cutoff, ~User.email.like("anonymised-%"))).all()
    for user in users:
        anonymise_user(user, counts)


def _anonymise_workspace(workspace: Workspace, now: datetime, counts: Counter) -> None:
    for contact_id in db.session.scalars(sa.select(Contact.id).where(Contact.workspace_id == workspace.id)).all():
        erase_contact(contact_id, counts)
    for model in (Channel, Tag, ApiToken, Invitation):
        db.session.execute(sa.delete(model).where(model.workspace_id == workspace.id))
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.workspace_id == workspace.id))
    members = db.session.scalars(sa.select(Membership.user_id).where(Membership.workspace_id == workspace.id)).all()
    db.session.execute(sa.delete(Membership).where(Membership.workspace_id == workspace.id))
    for user in db.session.scalars(sa.select(User).where(User.id.in_(members))).all():
        if not db.session.scalar(sa.select(Membership.id).where(Membership.user_id == user.id).limit(1)):
            user.closed_at = user.closed_at or workspace.closed_at
            anonymise_user(user, counts)
    workspace.name = f"Closed workspace {workspace.id}"
    settings = db.session.get(PrivacySettings, workspace.id) or PrivacySettings(workspace_id=workspace.id)
    settings.anonymised_at = now
    db.session.add(settings)
    counts["workspaces_anonymised"] += 1


def anonymise_user(user: User, counts: Counter) -> None:
    """Nothing left points to the person: no name, e-mail, password, consents or logins."""
    if user.email.startswith("anonymised-"):
        return
    user.email = f"anonymised-{user.id}@invalid.example"
    user.name = ""
    user.password_hash = "!"  # noqa: S105  (matches no password)
    user.locale = None
    user.session_version += 1
    for model in (MarketingConsentEvent, PolicyAcceptance, FacebookConnection, ApiToken):
        db.session.execute(sa.delete(model).where(model.user_id == user.id))
    db.session.execute(sa.update(AuditEvent).where(AuditEvent.actor_id == user.id).values(ip_address=None))
    counts["accounts_anonymised"] += 1


def apply(now: datetime) -> dict[str, int]:
    """Every rule, in one transaction the caller commits; returns the counts by category."""
    counts: Counter = Counter()
    expire_meta_conversations(now, counts)
    purge_webhook_payloads(now, counts)
    anonymise_closed(now, counts)
    result = {key: int(value) for key, value in sorted(counts.items())}
    db.session.add(
        DeletionRequest(
            code=new_code(),
            source=DeletionSource.RETENTION,
            status=DeletionStatus.COMPLETED,
            received_at=now,
            started_at=now,
            completed_at=now,
            deleted=result,
        )
    )
    audit.record("privacy.retention_run", counts=result)
    return result
