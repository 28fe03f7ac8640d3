"""Who wrote and where it goes: contact identities per channel, and their conversation."""

from __future__ import annotations

import sqlalchemy as sa

from app.channels.adapters.base import InboundMessage
from app.extensions import db
from app.models import Channel, Contact, ContactIdentity, Conversation, ConversationStatus, Message


class Cache:
    """Rows already looked up in this batch, so a burst from one contact costs one query."""

    def __init__(self):
        self.channels: dict = {}
        self.identities: dict[tuple[int, str], ContactIdentity] = {}
        self.conversations: dict[int, Conversation] = {}
        self.messages: dict[tuple[int, str], Message] = {}
        self.new_messages: list[Message] = []
        self.new_identities: list[ContactIdentity] = []


def channel_for(kind: str, route_id: str, cache: Cache) -> Channel | None:
    """The connected channel of this kind whose provider id is `route_id` (newest if reconnected)."""
    key = (kind, route_id)
    if key not in cache.channels:
        cache.channels[key] = db.session.scalar(
            sa.select(Channel)
            .where(Channel.kind == kind, Channel.external_id == route_id)
            .order_by(Channel.disconnected_at.is_(None).desc(), Channel.id.desc())
            .limit(1)
        )
    return cache.channels[key]


def find_or_create_identity(
    channel: Channel, external_id: str, name: str | None, contact_fields: dict, cache: Cache
) -> ContactIdentity:
    """The contact as this channel knows them; a new contact the first time they write."""
    key = (channel.id, external_id)
    identity = cache.identities.get(key)
    if identity is None:
        identity = db.session.scalar(
            sa.select(ContactIdentity).where(
                ContactIdentity.channel_id == channel.id, ContactIdentity.external_id == external_id
            )
        )
    if identity is None:
        contact = Contact(workspace_id=channel.workspace_id, name=(name or external_id)[:200], **contact_fields)
        identity = ContactIdentity(
            workspace_id=channel.workspace_id,
            channel_id=channel.id,
            external_id=external_id,
            display_name=name,
            contact=contact,
        )
        db.session.add(identity)
        db.session.flush()
        cache.new_identities.append(identity)
    elif name and not identity.display_name:
        identity.display_name = name
    cache.identities[key] = identity
    return identity


def _referenced_conversation(channel: Channel, references: list[str]) -> Conversation | None:
    """E-mail threading: the conversation holding a message this one answers."""
    if not references:
        return None
    return db.session.scalar(
        sa.select(Conversation)
        .join(Message, Message.conversation_id == Conversation.id)
        .where(Message.channel_id == channel.id, Message.provider_message_id.in_(references))
        .order_by(Message.id.desc())
        .limit(1)
    )


def conversation_for(
    channel: Channel, identity: ContactIdentity, inbound: InboundMessage, cache: Cache
) -> Conversation:
    """One conversation per identity, reopened by new messages; e-mail threads by their headers."""
    threaded = "message_id" in inbound.meta
    references = [*inbound.meta.get("in_reply_to", []), *reversed(inbound.meta.get("references", []))]
    conversation = _referenced_conversation(channel, references) if threaded else None
    if conversation is None and not threaded:
        conversation = cache.conversations.get(identity.id) or db.session.scalar(
            sa.select(Conversation)
            .where(Conversation.identity_id == identity.id)
            .order_by(Conversation.id.desc())
            .limit(1)
        )
    if conversation is None:
        conversation = Conversation(
            workspace_id=channel.workspace_id,
            channel_id=channel.id,
            contact_id=identity.contact_id,
            identity_id=identity.id,
            subject=inbound.meta.get("subject") or None,
            last_message_at=inbound.sent_at,
            preview="",
            unread_count=0,
        )
        db.session.add(conversation)
        db.session.flush()
    if not threaded:
        cache.conversations[identity.id] = conversation
    return conversation


def reopen(conversation: Conversation) -> None:
    """A new inbound message brings a resolved or snoozed conversation back to the inbox."""
    if conversation.status in (ConversationStatus.RESOLVED, ConversationStatus.SNOOZED):
        conversation.status = ConversationStatus.OPEN
        conversation.resolved_at = None
        conversation.snoozed_until = None
