"""Delivery news for campaign recipients: provider status webhooks, SMTP refusals and DSN bounces."""

from __future__ import annotations

import email
import email.policy
import re

import sqlalchemy as sa

from app.extensions import db
from app.models import RECIPIENT_RANK, CampaignRecipient, Channel, RecipientState, Suppression, utcnow

STATUS_MAP = {
    "sent": RecipientState.SENT,
    "delivered": RecipientState.DELIVERED,
    "read": RecipientState.READ,
    "failed": RecipientState.FAILED,
    "undelivered": RecipientState.FAILED,
}


def apply_recipient_status(channel_id: int, provider_message_id: str, status: str, error: str | None = None) -> bool:
    """Move the campaign recipient sent as `provider_message_id` forward; True when one matched.

    Call it from status ingestion when no inbox Message matched. Statuses never move back;
    `failed` is final."""
    recipient = db.session.scalar(
        sa.select(CampaignRecipient).where(
            CampaignRecipient.channel_id == channel_id, CampaignRecipient.provider_message_id == provider_message_id
        )
    )
    if recipient is None:
        return False
    advance(recipient, STATUS_MAP.get(status), error)
    return True


def advance(recipient: CampaignRecipient, state: RecipientState | None, error: str | None = None) -> bool:
    if state is None or recipient.state in (RecipientState.FAILED, RecipientState.SKIPPED):
        return False
    now = utcnow()
    if state == RecipientState.FAILED:
        recipient.state, recipient.error, recipient.failed_at = state, (error or "failed")[:500], now
        return True
    if RECIPIENT_RANK.get(state, -1) <= RECIPIENT_RANK.get(recipient.state, -1):
        return False
    recipient.state = state
    if state == RecipientState.DELIVERED:
        recipient.delivered_at = now
    elif state == RecipientState.READ:
        recipient.read_at = now
        recipient.delivered_at = recipient.delivered_at or now
    return True


def suppress(workspace_id: int, address: str, reason: str, campaign_id: int | None = None) -> None:
    """No later campaign reaches this address (hard bounce, permanent refusal)."""
    address = (address or "").strip().lower()
    if not address:
        return
    exists = db.session.scalar(
        sa.select(Suppression.id).where(Suppression.workspace_id == workspace_id, Suppression.address == address)
    )
    if exists is None:
        db.session.add(
            Suppression(workspace_id=workspace_id, address=address, reason=reason[:500], campaign_id=campaign_id)
        )
        db.session.flush()


def _dsn_parts(message) -> tuple[list[dict], str | None]:
    """The per-recipient fields of a delivery-status report and the original Message-ID."""
    recipients, original_id = [], None
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            payload = part.get_payload()
            blocks = payload if isinstance(payload, list) else []
            for block in blocks[1:]:  # the first block is per-message
                recipients.append({k.lower(): str(v) for k, v in block.items()})
        elif kind in ("message/rfc822", "text/rfc822-headers"):
            payload = part.get_payload()
            headers = payload[0] if isinstance(payload, list) and payload else None
            if headers is None and isinstance(payload, str):
                headers = email.message_from_string(payload, policy=email.policy.default)
            if headers is not None and headers.get("Message-ID"):
                original_id = str(headers.get("Message-ID")).strip()
    return recipients, original_id


def handle_bounce(channel_id: int, raw_message: bytes) -> bool:
    """A DSN (RFC 3464) reaching the e-mail channel: fail the recipient with the reason and suppress
    the address on a permanent (5.x.x) failure. True when it was a bounce report we applied."""
    message = email.message_from_bytes(raw_message, policy=email.policy.default)
    if message.get_content_type() != "multipart/report":
        return False
    channel = db.session.get(Channel, channel_id)
    recipients, original_id = _dsn_parts(message)
    handled = False
    for fields in recipients:
        if fields.get("action", "").strip().lower() != "failed":
            continue
        address = re.sub(r"^[^;]*;\s*", "", fields.get("final-recipient", "")).strip().lower()
        status = fields.get("status", "").strip()
        reason = f"bounced {status}: {fields.get('diagnostic-code', '').strip()}"[:500]
        recipient = _bounced_recipient(channel_id, original_id, address)
        if recipient is not None:
            advance(recipient, RecipientState.FAILED, reason)
            handled = True
        if status.startswith("5") and address and channel is not None:
            suppress(channel.workspace_id, address, reason, recipient.campaign_id if recipient else None)
            handled = True
    return handled


def _bounced_recipient(channel_id: int, original_id: str | None, address: str) -> CampaignRecipient | None:
    query = sa.select(CampaignRecipient).where(CampaignRecipient.channel_id == channel_id)
    if original_id:
        found = db.session.scalar(query.where(CampaignRecipient.provider_message_id == original_id))
        if found is not None:
            return found
    if address:
        return db.session.scalar(
            query.where(sa.func.lower(CampaignRecipient.address) == address, CampaignRecipient.sent_at.is_not(None))
            .order_by(CampaignRecipient.sent_at.desc())
            .limit(1)
        )
    return None
