"""Legal documents: versions kept in the database, acceptances, and material changes that ask
signed-in people to accept again."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import LegalDocument, PolicyAcceptance, User, utcnow

DOCUMENTS = ("privacy", "terms", "cookies", "subprocessors")
# Only these are accepted by people; the cookie policy and sub-processor list are informative.
ACCEPTED = ("terms", "privacy")
LAUNCH_VERSION, LAUNCH_DATE = "2026-11-01", datetime(2026, 11, 1)


class LegalError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def current(document: str) -> LegalDocument:
    """The version in force; the launch version (seeded by the migration) if none is stored."""
    found = db.session.scalar(
        sa.select(LegalDocument)
        .where(LegalDocument.document == document, LegalDocument.published_at <= utcnow())
        .order_by(LegalDocument.published_at.desc(), LegalDocument.id.desc())
        .limit(1)
    )
    return found or LegalDocument(document=document, version=LAUNCH_VERSION, published_at=LAUNCH_DATE, material=False)


def current_version(document: str) -> str:
    return current(document).version


def record_acceptance(user_id: int, documents: tuple[str, ...], ip_address: str | None) -> None:
    """The person accepted the versions in force now."""
    for document in documents:
        db.session.add(
            PolicyAcceptance(
                user_id=user_id, document=document, version=current_version(document), ip_address=ip_address
            )
        )


def pending_acceptances(user: User) -> list[LegalDocument]:
    """Documents changed materially since the person last accepted them (newest version each)."""
    pending = []
    accepted = {
        (a.document, a.version)
        for a in db.session.scalars(sa.select(PolicyAcceptance).where(PolicyAcceptance.user_id == user.id))
    }
    for document in ACCEPTED:
        versions = list(
            db.session.scalars(
                sa.select(LegalDocument)
                .where(LegalDocument.document == document, LegalDocument.published_at <= utcnow())
                .order_by(LegalDocument.published_at.desc(), LegalDocument.id.desc())
            )
        )
        for version in versions:  # newest first, down to the last material change
            if (document, version.version) in accepted:
                break
            if version.material:
                pending.append(versions[0])
                break
    return pending


def publish(document: str, version: str, material: bool) -> LegalDocument:
    """A new version in force from now; the caller commits, then announces a material one."""
    if document not in DOCUMENTS:
        raise LegalError(f"unknown document {document}; one of {', '.join(DOCUMENTS)}")
    version = version.strip()
    if not version or len(version) > 20:
        raise LegalError("the version must be 1 to 20 characters")
    exists = db.session.scalar(
        sa.select(LegalDocument).where(LegalDocument.document == document, LegalDocument.version == version)
    )
    if exists:
        raise LegalError(f"{document} version {version} is already published")
    published = LegalDocument(document=document, version=version, material=material, published_at=utcnow())
    db.session.add(published)
    audit.record("legal.published", target=f"{document}:{version}", material=material)
    return published


def member_emails() -> list[tuple[str, str | None]]:
    """Everyone with an open account: who gets told about a material change."""
    return list(db.session.execute(sa.select(User.email, User.locale).where(User.closed_at.is_(None))))


def title(document: str) -> str:
    from flask_babel import gettext as _

    return {
        "privacy": _("Privacy policy"),
        "terms": _("Terms of service"),
        "cookies": _("Cookie policy"),
        "subprocessors": _("Sub-processors"),
    }[document]
