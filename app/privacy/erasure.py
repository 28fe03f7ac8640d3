"""The deletion engine's hands: erase conversations and contacts, files included, counting
what goes by category. Used by Meta's callback, staff deletions and retention alike."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Attachment,
    ConsentEvent,
    Contact,
    ContactIdentity,
    ContactTag,
    Conversation,
    Message,
)
from app.storage import get_storage

# Category names on the status page and in audit rows (CONTRACT §3 "deleted").
CATEGORIES = (
    "messages",
    "attachments",
    "conversations",
    "contact_identities",
    "contacts",
    "consent_records",
    "facebook_connections",
)


def erase_conversations(conversation_ids: sa.Select | list[int], counts: Counter) -> None:
    """Delete conversations with their messages and attachments; files first, so a crash
    half-way leaves rows to retry, never unreferenced files."""
    message_ids = sa.select(Message.id).where(Message.conversation_id.in_(conversation_ids))
    keys = db.session.scalars(
        sa.select(Attachment.storage_key).where(
            Attachment.message_id.in_(message_ids), Attachment.storage_key.is_not(None)
        )
    ).all()
    storage = get_storage()
    for key in keys:
        storage.delete(key)
    counts["attachments"] += db.session.execute(
        sa.delete(Attachment).where(Attachment.message_id.in_(message_ids))
    ).rowcount
    counts["messages"] += db.session.execute(
        sa.delete(Message).where(Message.conversation_id.in_(conversation_ids))
    ).rowcount
    counts["conversations"] += db.session.execute(
        sa.delete(Conversation)
        .where(Conversation.id.in_(conversation_ids))
        .execution_options(synchronize_session=False)
    ).rowcount


def erase_contact(contact_id: int, counts: Counter, channel_ids: Iterable[int] | None = None) -> None:
    """Erase a contact's data on `channel_ids` (every channel when None); the profile goes
    with its last identity, or at once when every channel is asked for."""
    channels = None if channel_ids is None else list(channel_ids)
    conversations = sa.select(Conversation.id).where(Conversation.contact_id == contact_id)
    identities = sa.delete(ContactIdentity).where(ContactIdentity.contact_id == contact_id)
    if channels is not None:
        conversations = conversations.where(Conversation.channel_id.in_(channels))
        identities = identities.where(ContactIdentity.channel_id.in_(channels))
    erase_conversations(list(db.session.scalars(conversations)), counts)
    counts["contact_identities"] += db.session.execute(identities.execution_options(synchronize_session=False)).rowcount
    remaining = db.session.scalar(
        sa.select(sa.func.count()).select_from(ContactIdentity).where(ContactIdentity.contact_id == contact_id)
    )
    if channels is None or remaining == 0:
        _erase_profile(contact_id, counts)


def _erase_profile(contact_id: int, counts: Counter) -> None:
    """The profile itself: consent ledger, tags, and the contact row."""
    remaining = sa.select(Conversation.id).where(Conversation.contact_id == contact_id)
    erase_conversations(list(db.session.scalars(remaining)), counts)
    counts["consent_records"] += db.session.execute(
        sa.delete(ConsentEvent).where(ConsentEvent.contact_id == contact_id)
    ).rowcount
    db.session.execute(sa.delete(ContactTag).where(ContactTag.contact_id == contact_id))
    counts["contact_identities"] += db.session.execute(
        sa.delete(ContactIdentity).where(ContactIdentity.contact_id == contact_id)
    ).rowcount
    counts["contacts"] += db.session.execute(
        sa.delete(Contact).where(Contact.id == contact_id).execution_options(synchronize_session=False)
    ).rowcount


def as_counts(counts: Counter) -> dict[str, int]:
    """Every category, zero included, so "nothing found" reads the same everywhere."""
    return {category: int(counts.get(category, 0)) for category in CATEGORIES}
