"""Applying stored provider events: messages, echoes, edits and delivery statuses.

Other features plug in at one call site each: `after_inbound(messages)` for each batch of new
inbound messages (keywords, automation), `apply_status()` for campaign recipients, `apply_event()` for
bounce reports.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlalchemy as sa

from app.campaigns.statuses import apply_recipient_status, handle_bounce
from app.channels.adapters.base import ChannelAdapter, InboundMessage, StatusUpdate
from app.channels.adapters.registry import adapter_for_meta_object, get_adapter
from app.extensions import db
from app.models import (
    Attachment,
    AttachmentState,
    Channel,
    Conversation,
    Direction,
    Message,
    MessageStatus,
    WebhookEvent,
    utcnow,
)
from app.webhooks import threads
from app.webhooks.attachment_rules import refusal
from app.webhooks.threads import Cache

log = logging.getLogger(__name__)
STATUS_RANK_ORDER = [MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ]


@dataclass
class Outcome:
    routed: int = 0
    unknown: str | None = None  # a route id nobody connected


def adapter_for_event(event: WebhookEvent, cache: Cache) -> tuple[ChannelAdapter, Channel | None]:
    """Channel-keyed sources name their channel; Meta's app-wide deliveries name an object."""
    if event.channel_id is not None:
        channel = cache.channels.get(event.channel_id) or db.session.get(Channel, event.channel_id)
        if channel is None:
            raise ValueError("the channel of this event no longer exists")
        cache.channels[event.channel_id] = channel
        return get_adapter(channel), channel
    adapter = adapter_for_meta_object((event.payload or {}).get("object"))
    if adapter is None:
        raise ValueError(f"unknown Meta object {(event.payload or {}).get('object')!r}")
    return adapter, None


def parse_event(event: WebhookEvent, cache: Cache) -> tuple[ChannelAdapter, Channel | None, list]:
    """The adapter, the channel the URL named (if any) and the normalised events; ValueError when
    malformed. A delivery report (an e-mail bounce) is applied to its campaign recipient here and
    leaves nothing for the inbox."""
    adapter, channel = adapter_for_event(event, cache)
    report = adapter.delivery_report(event.payload or {}) if channel is not None else None
    if report is not None and handle_bounce(channel.id, report):
        return adapter, channel, []
    return adapter, channel, adapter.parse_inbound(event.payload or {})


def apply_parsed(adapter: ChannelAdapter, fixed_channel: Channel | None, items: list, cache: Cache) -> Outcome:
    outcome = Outcome()
    for item in items:
        channel = fixed_channel or threads.channel_for(adapter.kind, item.route_id, cache)
        if channel is None or not channel.is_active:
            outcome.unknown = item.route_id
            continue
        channel_adapter = adapter if fixed_channel else get_adapter(channel)
        if isinstance(item, StatusUpdate):
            apply_status(channel, item, cache)
        else:
            apply_message(channel, channel_adapter, item, cache)
        outcome.routed += 1
    return outcome


def apply_event(event: WebhookEvent, cache: Cache) -> Outcome:
    """Parse one stored event and apply each normalised event; ValueError when malformed."""
    return apply_parsed(*parse_event(event, cache), cache)


def _existing(channel: Channel, provider_message_id: str, cache: Cache) -> Message | None:
    key = (channel.id, provider_message_id)
    if key not in cache.messages:
        cache.messages[key] = db.session.scalar(
            sa.select(Message).where(
                Message.channel_id == channel.id, Message.provider_message_id == provider_message_id
            )
        )
    return cache.messages[key]


def apply_message(channel: Channel, adapter: ChannelAdapter, inbound: InboundMessage, cache: Cache) -> Message | None:
    """Insert the message once per (channel, provider id); an edit updates the text it replaces."""
    existing = _existing(channel, inbound.provider_message_id, cache)
    if existing is not None:
        if inbound.edited and existing.text != inbound.text:
            existing.text = inbound.text
            existing.meta = {**(existing.meta or {}), "edited_at": utcnow().isoformat()}
        return None
    identity = threads.find_or_create_identity(
        channel,
        inbound.external_id,
        None if inbound.is_echo else inbound.contact_name,
        adapter.contact_fields(inbound.external_id),
        cache,
    )
    inbound.sent_at = inbound.sent_at or utcnow()
    conversation = threads.conversation_for(channel, identity, inbound, cache)
    message = Message(
        workspace_id=channel.workspace_id,
        conversation=conversation,
        channel_id=channel.id,
        direction=Direction.OUT if inbound.is_echo else Direction.IN,
        text=inbound.text,
        status=MessageStatus.SENT if inbound.is_echo else MessageStatus.RECEIVED,
        provider_message_id=inbound.provider_message_id,
        is_echo=inbound.is_echo,
        meta=inbound.meta,
        created_at=inbound.sent_at,
    )
    message.attachments = [_attachment(channel, a) for a in inbound.attachments]
    db.session.add(message)
    cache.messages[(channel.id, inbound.provider_message_id)] = message
    _touch(conversation, message, inbound)
    if not inbound.is_echo:
        identity.last_inbound_at = max(identity.last_inbound_at or inbound.sent_at, inbound.sent_at)
        cache.new_messages.append(message)
    return message


def _attachment(channel: Channel, inbound) -> Attachment:
    row = Attachment(
        workspace_id=channel.workspace_id,
        content_type=inbound.content_type[:120],
        filename=(inbound.filename or "")[:255],
        size=inbound.size,
        source=inbound.source,
        state=AttachmentState.PENDING,
    )
    if inbound.content is not None:  # e-mail parts arrive with the message itself
        from app.storage import get_storage

        reason = refusal(inbound.content_type, len(inbound.content))
        if reason:
            row.state, row.error = AttachmentState.FAILED, reason
        else:
            row.storage_key = get_storage().save(channel.workspace_id, inbound.content)
            row.state, row.size = AttachmentState.STORED, len(inbound.content)
    return row


def _touch(conversation: Conversation, message: Message, inbound: InboundMessage) -> None:
    """The denormalised inbox fields: last activity, preview, unread count, window start."""
    at = message.created_at
    if conversation.last_message_at is None or at >= conversation.last_message_at:
        conversation.last_message_at = at
        names = ", ".join(a.filename or a.content_type for a in message.attachments)
        conversation.preview = (message.text or names)[:200]
    if message.direction == Direction.IN:
        conversation.unread_count = (conversation.unread_count or 0) + 1
        conversation.last_inbound_at = max(conversation.last_inbound_at or at, at)
        threads.reopen(conversation)


def apply_status(channel: Channel, update: StatusUpdate, cache: Cache) -> bool:
    """Move our message's status forward only; a provider id no Message has may be a campaign
    recipient's. False when nothing matched."""
    status = MessageStatus(update.status)
    if update.provider_message_id:
        message = _existing(channel, update.provider_message_id, cache)
        if message is None:
            return apply_recipient_status(channel.id, update.provider_message_id, update.status, update.error)
        message.advance(status, update.error)
        return True
    return _apply_watermark(channel, update, status, cache)


def _apply_watermark(channel: Channel, update: StatusUpdate, status: MessageStatus, cache: Cache) -> bool:
    """Messenger delivery/read events: every message we sent up to the watermark."""
    db.session.flush()
    identity = cache.identities.get((channel.id, update.external_id or ""))
    identity_id = identity.id if identity else None
    if identity_id is None:
        from app.models import ContactIdentity

        identity_id = db.session.scalar(
            sa.select(ContactIdentity.id).where(
                ContactIdentity.channel_id == channel.id, ContactIdentity.external_id == update.external_id
            )
        )
    if identity_id is None:
        return False
    earlier = STATUS_RANK_ORDER[: STATUS_RANK_ORDER.index(status)] if status in STATUS_RANK_ORDER else []
    messages = db.session.scalars(
        sa.select(Message)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Conversation.identity_id == identity_id,
            Message.direction == Direction.OUT,
            Message.status.in_(earlier),
            Message.created_at <= (update.watermark or utcnow()),
        )
    )
    changed = [m.advance(status) for m in messages]
    return bool(changed)


def prefetch(parsed: list[tuple[Channel | None, ChannelAdapter, list]], cache: Cache) -> None:
    """Load what a batch will look up (messages by provider id, identities, conversations) in a
    few queries instead of several per event."""
    message_keys: dict[int, set[str]] = {}
    identity_keys: set[tuple[int, str]] = set()
    for channel, adapter, items in parsed:
        for item in items:
            target = channel or threads.channel_for(adapter.kind, item.route_id, cache)
            if target is None:
                continue
            if item.provider_message_id:
                message_keys.setdefault(target.id, set()).add(item.provider_message_id)
            if isinstance(item, InboundMessage):
                identity_keys.add((target.id, item.external_id))
    for channel_id, ids in message_keys.items():
        wanted = [pmid for pmid in ids if (channel_id, pmid) not in cache.messages]
        for pmid in wanted:
            cache.messages[(channel_id, pmid)] = None
        for message in db.session.scalars(
            sa.select(Message).where(Message.channel_id == channel_id, Message.provider_message_id.in_(wanted))
        ):
            cache.messages[(channel_id, message.provider_message_id)] = message
    threads.prefetch(identity_keys, cache)


def after_inbound(messages: list[Message]) -> None:
    """Runs after a batch holding new inbound messages commits: one download job per pending
    attachment, and one job for the whole batch's keywords and auto-replies (never one job per
    message, so a burst of webhooks stays a handful of jobs)."""
    from app.jobs import enqueue
    from app.jobs.attachments import download_attachment
    from app.jobs.reactions import react_to_inbound

    for message in messages:
        for attachment in message.attachments:
            if attachment.state == AttachmentState.PENDING:
                enqueue(download_attachment, attachment.id)
    if ids := [message.id for message in messages if not message.is_echo]:
        enqueue(react_to_inbound, ids)
