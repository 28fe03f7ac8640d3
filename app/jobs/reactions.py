"""What follows new inbound messages, one job per ingested batch: opt-out keywords, then auto-replies."""

from __future__ import annotations

from app.inbox.automation import after_inbound as run_automation
from app.jobs import job
from app.jobs.contacts import apply_inbound_keyword


@job("default", timeout=300)
def react_to_inbound(message_ids: list[int]) -> None:
    """Each step is idempotent per message, so a retried batch sends nothing twice."""
    for message_id in message_ids:
        apply_inbound_keyword(message_id)
        run_automation(message_id)
