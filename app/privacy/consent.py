"""Consent a person gives us directly: the optional marketing consent of members."""

from __future__ import annotations

from app.extensions import db
from app.models import MarketingConsentEvent, User


def set_marketing_consent(user: User, granted: bool, source: str) -> bool:
    """Append a grant or withdrawal when the choice changes (the first choice, even a "no",
    is always kept on record); returns whether anything was appended."""
    if user.marketing_events and user.marketing_consent == granted:
        return False
    db.session.add(MarketingConsentEvent(user=user, granted=granted, source=source))
    return True
