"""Consent: members' optional marketing consent, and contacts' per-channel consent ledger.

Both are append-only histories; the current state is always the newest event.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import ChannelKind, ConsentEvent, ConsentStatus, Contact, MarketingConsentEvent, User

# Channels whose marketing messages need the contact's consent (CONTRACT §4 consents).
CONSENT_CHANNELS = (ChannelKind.SMS, ChannelKind.EMAIL, ChannelKind.WHATSAPP)


def set_marketing_consent(user: User, granted: bool, source: str) -> bool:
    """Append a grant or withdrawal when the choice changes (the first choice, even a "no",
    is always kept on record); returns whether anything was appended."""
    if user.marketing_events and user.marketing_consent == granted:
        return False
    db.session.add(MarketingConsentEvent(user=user, granted=granted, source=source))
    return True


def consent_state(contact_id: int, channel: ChannelKind) -> ConsentStatus | None:
    """The contact's current consent on a channel kind, or None when never recorded."""
    return db.session.scalar(
        sa.select(ConsentEvent.status)
        .where(ConsentEvent.contact_id == contact_id, ConsentEvent.channel == channel)
        .order_by(ConsentEvent.id.desc())
        .limit(1)
    )


def is_opted_out(contact_id: int, channel: ChannelKind) -> bool:
    return consent_state(contact_id, channel) == ConsentStatus.WITHDRAWN


def record_consent(
    contact: Contact, channel: ChannelKind, status: ConsentStatus, source: str, evidence: str = ""
) -> ConsentEvent | None:
    """Append a consent event when it changes the state; returns it, or None when unchanged."""
    if contact.id is not None and consent_state(contact.id, channel) == status:
        return None
    event = ConsentEvent(
        workspace_id=contact.workspace_id,
        contact_id=contact.id,
        channel=channel,
        status=status,
        source=source,
        evidence=evidence[:500],
    )
    db.session.add(event)
    return event
