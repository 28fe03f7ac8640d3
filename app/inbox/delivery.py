"""Hand queued messages to the channels' outbound job (app/jobs/outbound.py: send_message)."""

from __future__ import annotations

from app.jobs import enqueue
from app.jobs.outbound import send_message


def send_later(message_id: int) -> None:
    """Enqueue the provider send for a committed, queued message."""
    enqueue(send_message, message_id)
