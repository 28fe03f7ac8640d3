"""Hand queued messages to the channels' outbound job (app/jobs/outbound.py: send_message)."""

from __future__ import annotations

import logging

from app.jobs import enqueue

log = logging.getLogger(__name__)


def send_later(message_id: int) -> None:
    """Enqueue the provider send for a committed, queued message."""
    try:
        from app.jobs.outbound import send_message
    except ImportError:  # the channels feature is not merged yet: the message stays queued
        log.warning("no outbound job yet; message %s stays queued", message_id)
        return
    enqueue(send_message, message_id)
