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
    """The contact as this channel knows them; a new contact the first time they write.

    New rows are linked by relationship, not id, so a whole batch is flushed at once.
    """
    key = (channel.id, external_id)
    if key in cache.identities:
        identity = cache.identities[key]
    else:
        identity = db.session.scalar(
            sa.select(ContactIdentity).where(
                ContactIdentity.channel_id == channel.id, ContactIdentity.external_id == external_id
            )
        )
    if identity is None:
        contact = _known_contact(channel.workspace_id, contact_fields) or Contact(
            workspace_id=channel.workspace_id, name=(name or external_id)[:200], **contact_fields
        )
        identity = ContactIdentity(
            workspace_id=channel.workspace_id,
            channel_id=channel.id,
            external_id=external_id,
            display_name=name,
            contact=contact,
        )
        db.session.add(identity)
        cache.new_identities.append(identity)
        cache.conversations[key] = None
    elif name and not identity.display_name:
        identity.display_name = name
    cache.identities[key] = identity
    return identity


def _known_contact(workspace_id: int, fields: dict) -> Contact | None:
    """A first message from a number or address the business already has (imported, or created
    by the API) joins that contact, so its consent and campaigns follow the same person."""
    matches = [getattr(Contact, key) == value for key, value in fields.items() if value]
    if not matches:
        return None
    return db.session.scalar(
        sa.select(Contact).where(Contact.workspace_id == workspace_id, sa.or_(*matches)).order_by(Contact.id).limit(1)
    )


def prefetch(pairs: set[tuple[int, str]], cache: Cache) -> None:
    """Load the identities of a batch, and each one's latest conversation, in two queries."""
    pairs = {pair for pair in pairs if pair not in cache.identities}
    if not pairs:
        return
    found = db.session.scalars(
        sa.select(ContactIdentity).where(sa.tuple_(ContactIdentity.channel_id, ContactIdentity.external_id).in_(pairs))
    ).all()
    for pair in pairs:
        cache.identities[pair] = None
        cache.conversations[pair] = None
    by_id = {}
    for identity in found:
        cache.identities[(identity.channel_id, identity.external_id)] = identity
        by_id[identity.id] = (identity.channel_id, identity.external_id)
    if by_id:
        for conversation in db.session.scalars(
            sa.select(Conversation).where(Conversation.identity_id.in_(by_id)).order_by(Conversation.id)
        ):
            cache.conversations[by_id[conversation.identity_id]] = conversation  # the newest wins


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
    key = (channel.id, identity.external_id)
    conversation = None
    if threaded:
        db.session.flush()  # a reply may answer a message of this same batch
        references = [*inbound.meta.get("in_reply_to", []), *reversed(inbound.meta.get("references", []))]
        conversation = _referenced_conversation(channel, references)
    elif key in cache.conversations:
        conversation = cache.conversations[key]
    elif identity.id is not None:
        conversation = db.session.scalar(
            sa.select(Conversation)
            .where(Conversation.identity_id == identity.id)
            .order_by(Conversation.id.desc())
            .limit(1)
        )
    if conversation is None:
        conversation = Conversation(
            workspace_id=channel.workspace_id,
            channel_id=channel.id,
            contact=identity.contact,
            identity=identity,
            subject=inbound.meta.get("subject") or None,
            last_message_at=inbound.sent_at,
            preview="",
            unread_count=0,
        )
        db.session.add(conversation)
    if not threaded:
        cache.conversations[key] = conversation
    return conversation


def reopen(conversation: Conversation) -> None:
    """A new inbound message brings a resolved or snoozed conversation back to the inbox."""
    if conversation.status in (ConversationStatus.RESOLVED, ConversationStatus.SNOOZED):
        conversation.status = ConversationStatus.OPEN
        conversation.resolved_at = None
        conversation.snoozed_until = None
