"""The legal documents people accept, and their current versions."""

from __future__ import annotations

from app.extensions import db
from app.models import PolicyAcceptance

# Bump a version when a document changes materially; sign-up records the one in force.
CURRENT_VERSIONS = {"terms": "2026-11-01", "privacy": "2026-11-01"}


def record_acceptance(user_id: int, documents: tuple[str, ...], ip_address: str | None) -> None:
    for document in documents:
        db.session.add(
            PolicyAcceptance(
                user_id=user_id, document=document, version=CURRENT_VERSIONS[document], ip_address=ip_address
            )
        )
