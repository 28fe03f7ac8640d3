"""Sending one outbound message through its channel's adapter, at most once, with retries."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa

from app.channels.adapters.base import ChannelAdapter, OutboundMessage, PermanentError, TransientError
from app.channels.adapters.registry import get_adapter
from app.extensions import db
from app.jobs import PROVIDER_RETRY, enqueue, job
from app.models import Channel, Direction, Message, MessageStatus, utcnow
from app.storage import get_storage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 1 + PROVIDER_RETRY.max


def _thread_headers(message: Message) -> dict[str, str]:
    """Reply headers from the newest inbound message that carries a Message-ID (e-mail threads)."""
    last = db.session.scalar(
        sa.select(Message)
        .where(Message.conversation_id == message.conversation_id, Message.direction == Direction.IN)
        .order_by(Message.id.desc())
        .limit(1)
    )
    meta = (last.meta or {}) if last else {}
    if not meta.get("message_id"):
        return {}
    references = [*meta.get("references", []), meta["message_id"]]
    return {"In-Reply-To": meta["message_id"], "References": " ".join(references[-20:])}


def outbound_for(message: Message, adapter: ChannelAdapter) -> OutboundMessage:
    """The provider-neutral outbound message for a stored Message."""
    conversation = message.conversation
    identity = conversation.identity
    meta = message.meta or {}
    outbound = OutboundMessage(
        to=identity.external_id if identity else "",
        text=message.text,
        template=meta.get("template"),
        tag=meta.get("tag") or adapter.message_tag(identity.last_inbound_at if identity else None),
        subject=meta.get("subject") or _reply_subject(conversation.subject),
        headers={**_thread_headers(message), **meta.get("headers", {})},
        html=meta.get("html"),
    )
    stored = next((a for a in message.attachments if a.storage_key), None)
    if stored is not None:
        outbound.attachment_path = str(get_storage().path(stored.storage_key))
        outbound.attachment_type = stored.content_type
        outbound.attachment_name = stored.filename or "file"
    return outbound


def _reply_subject(subject: str | None) -> str | None:
    if not subject:
        return None
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def _claim(message_id: int) -> bool:
    """queued → sending, counted as one attempt; only one worker can win."""
    claimed = db.session.execute(
        sa.update(Message)
        .where(Message.id == message_id, Message.status == MessageStatus.QUEUED)
        .values(status=MessageStatus.SENDING, attempts=Message.attempts + 1, status_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(claimed)


def _fail(message: Message, reason: str) -> None:
    message.status, message.error, message.status_at = MessageStatus.FAILED, reason[:500], utcnow()
    db.session.commit()
    log.info("message %s failed after %s attempts", message.id, message.attempts)


@job("outbound", timeout=60, retry=PROVIDER_RETRY)
def send_message(message_id: int) -> str | None:
    """Send a queued message; TransientError is re-raised for RQ's backoff, until the last attempt."""
    if not _claim(message_id):
        return None
    message = db.session.get(Message, message_id)
    channel = db.session.get(Channel, message.channel_id)
    if channel is None or not channel.is_active:
        _fail(message, "The channel is disconnected.")
        return None
    adapter = get_adapter(channel)
    try:
        result = adapter.send(outbound_for(message, adapter))
    except PermanentError as error:
        _fail(message, str(error))
        return None
    except TransientError as error:
        if message.attempts >= MAX_ATTEMPTS:
            _fail(message, str(error))
            return None
        message.status, message.error, message.status_at = MessageStatus.QUEUED, str(error)[:500], utcnow()
        db.session.commit()
        log.info("message %s: transient provider error, will retry", message.id)
        raise
    message.provider_message_id = result.provider_message_id
    message.status, message.error, message.status_at = MessageStatus.SENT, None, utcnow()
    db.session.commit()
    return result.provider_message_id


@job("maintenance", timeout=120)
def requeue_stale_messages(older_than: timedelta = timedelta(minutes=45)) -> int:
    """Queued messages nobody is retrying any more (Redis lost them, or inline mode): enqueue again."""
    cutoff = utcnow() - older_than
    ids = list(
        db.session.scalars(
            sa.select(Message.id)
            .where(
                Message.status == MessageStatus.QUEUED,
                Message.direction == Direction.OUT,
                sa.func.coalesce(Message.status_at, Message.created_at) < cutoff,
            )
            .limit(1000)
        )
    )
    for message_id in ids:
        enqueue(send_message, message_id)
    return len(ids)
