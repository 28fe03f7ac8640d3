"""Downloading inbound attachments through the channel's adapter, within size and type limits."""

from __future__ import annotations

import logging

from flask import current_app

from app.channels.adapters.base import PermanentError, TransientError
from app.channels.adapters.registry import get_adapter
from app.extensions import db
from app.jobs import PROVIDER_RETRY, job
from app.models import Attachment, AttachmentState, Channel, Message
from app.storage import get_storage
from app.webhooks.attachment_rules import MAX_BYTES, refusal

log = logging.getLogger(__name__)


@job("default", timeout=120, retry=PROVIDER_RETRY)
def download_attachment(attachment_id: int) -> str | None:
    """Fetch, check and store one pending attachment; refusals are recorded on the row."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.state != AttachmentState.PENDING:
        return None
    message = db.session.get(Message, attachment.message_id)
    channel = db.session.get(Channel, message.channel_id)
    max_bytes = current_app.config.get("ATTACHMENT_MAX_BYTES", MAX_BYTES)
    try:
        media = get_adapter(channel).fetch_media(attachment.source or "")
        reason = refusal(media.content_type, len(media.content), max_bytes)
        if reason:
            raise PermanentError(reason)
    except PermanentError as error:
        attachment.state, attachment.error = AttachmentState.FAILED, str(error)[:300]
        db.session.commit()
        log.info("attachment %s refused: %s", attachment.id, attachment.error)
        return None
    except TransientError:
        log.info("attachment %s: provider unavailable, will retry", attachment.id)
        raise
    attachment.storage_key = get_storage().save(channel.workspace_id, media.content)
    attachment.state, attachment.size = AttachmentState.STORED, len(media.content)
    attachment.content_type = media.content_type[:120]
    attachment.filename = attachment.filename or (media.filename or "")[:255]
    db.session.commit()
    return attachment.storage_key
