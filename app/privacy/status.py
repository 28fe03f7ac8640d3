"""What a deletion request's holder may see: status, dates, categories and counts, never content."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l

from app.models import DeletionRequest, DeletionStatus
from app.privacy.erasure import CATEGORIES

CATEGORY_LABELS = {
    "messages": _l("Messages"),
    "attachments": _l("Attachments (files included)"),
    "conversations": _l("Conversations"),
    "contact_identities": _l("Channel identities (Messenger, Instagram or WhatsApp ids)"),
    "contacts": _l("Contact profiles"),
    "consent_records": _l("Consent records"),
    "facebook_connections": _l("Facebook login connections"),
}
RETAINED_LABELS = {
    "member_account": (
        _l("A business member's Conversa account"),
        _l(
            "The Conversa account of the business member who used this Facebook login (name, e-mail, "
            "billing records) is kept while the account is open and for up to five years after it is "
            "closed, for tax, accounting and legal obligations. The Facebook login and its tokens were deleted."
        ),
    ),
}
STATUS_LABELS = {
    DeletionStatus.RECEIVED: _l("Received"),
    DeletionStatus.IN_PROGRESS: _l("In progress"),
    DeletionStatus.COMPLETED: _l("Completed"),
    DeletionStatus.FAILED: _l("Delayed: we will try again automatically"),
}


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC, microsecond=0).isoformat().replace("+00:00", "Z")


def document(request: DeletionRequest) -> dict:
    """CONTRACT §3 JSON, exactly these keys."""
    return {
        "confirmation_code": request.code,
        "status": request.status.value,
        "received_at": iso(request.received_at),
        "completed_at": iso(request.completed_at) if request.status == DeletionStatus.COMPLETED else None,
        "deleted": {k: int(v) for k, v in (request.deleted or {}).items()},
        "retained": [{"category": r["category"], "reason": r["reason"]} for r in request.retained or []],
    }


def view(request: DeletionRequest) -> dict:
    """The HTML page's version: translated labels, and whether anything was found."""
    deleted = request.deleted or {}
    rows = [(CATEGORY_LABELS[c], deleted.get(c, 0)) for c in CATEGORIES if c in deleted]
    retained = [RETAINED_LABELS.get(r["category"], (r["category"], r["reason"])) for r in request.retained or []]
    return {
        "status_label": STATUS_LABELS[request.status],
        "rows": rows,
        "nothing_found": request.status == DeletionStatus.COMPLETED
        and not any(deleted.values())
        and not request.retained,
        "retained": retained,
    }
