"""Data-subject requests staff answer for a contact: access (export), rectification,
erasure (through the deletion engine) and objection; and their legal due dates."""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

import phonenumbers
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from app import audit
from app.extensions import db
from app.models import (
    Attachment,
    ConsentEvent,
    ConsentStatus,
    Contact,
    Conversation,
    DataRequest,
    DeletionRequest,
    Message,
    PrivacyRegime,
    PrivacySettings,
    RequestKind,
    User,
    Workspace,
    utcnow,
)
from app.privacy.consent import CONSENT_CHANNELS, record_consent
from app.privacy.status import iso


class DataRequestError(Exception):
    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field, self.reason = field, reason


def settings_for(workspace_id: int) -> PrivacySettings:
    """The workspace's privacy settings, created with the defaults on first use."""
    settings = db.session.get(PrivacySettings, workspace_id)
    if settings is None:
        settings = PrivacySettings(workspace_id=workspace_id, regime=PrivacyRegime.GDPR, meta_retention_days=730)
        db.session.add(settings)
    return settings


def due_date(received_at: datetime, regime: PrivacyRegime) -> datetime:
    """GDPR: one month; Mexico's ARCO: 20 business days; CCPA: 45 days."""
    if regime == PrivacyRegime.CCPA:
        return received_at + timedelta(days=45)
    if regime == PrivacyRegime.ARCO:
        moment, left = received_at, 20
        while left:
            moment += timedelta(days=1)
            left -= moment.weekday() < 5
        return moment
    year, month = (received_at.year + received_at.month // 12, received_at.month % 12 + 1)
    day = min(received_at.day, calendar.monthrange(year, month)[1])
    return received_at.replace(year=year, month=month, day=day)


def _log(contact: Contact, kind: RequestKind, actor: User | None, source: str) -> DataRequest:
    now = utcnow()
    entry = DataRequest(
        workspace_id=contact.workspace_id,
        kind=kind,
        source=source,
        contact_id=contact.id,
        handled_by_id=actor.id if actor else None,
        received_at=now,
        completed_at=now,
    )
    db.session.add(entry)
    audit.record(
        f"privacy.{kind.value}",
        workspace_id=contact.workspace_id,
        actor_id=actor.id if actor else None,
        target=f"contact:{contact.id}",
    )
    return entry


def export_contact(contact: Contact, actor: User | None, source: str = "staff") -> dict:
    """Everything held about the contact as one JSON-ready document (CONTRACT §4)."""
    _log(contact, RequestKind.ACCESS, actor, source)
    conversations = db.session.scalars(
        sa.select(Conversation).where(Conversation.contact_id == contact.id).order_by(Conversation.id)
    )
    consents = db.session.scalars(
        sa.select(ConsentEvent).where(ConsentEvent.contact_id == contact.id).order_by(ConsentEvent.id)
    )
    return {
        "exported_at": iso(utcnow()),
        "contact": {
            "id": contact.id,
            "name": contact.name,
            "phone": contact.phone,
            "email": contact.email,
            "locale": contact.locale,
            "avatar_url": contact.avatar_url,
            "custom_fields": contact.custom_fields or {},
            "notes": contact.notes,
            "created_at": iso(contact.created_at),
            "updated_at": iso(contact.updated_at),
        },
        "identities": [
            {
                "channel_type": i.channel.kind.value,
                "channel_id": i.channel_id,
                "external_id": i.external_id,
                "display_name": i.display_name,
                "created_at": iso(i.created_at),
                "last_inbound_at": iso(i.last_inbound_at),
            }
            for i in contact.identities
        ],
        "tags": [t.name for t in contact.tags],
        "consents": [
            {
                "channel": c.channel.value,
                "status": c.status.value,
                "source": c.source,
                "evidence": c.evidence,
                "created_at": iso(c.created_at),
            }
            for c in consents
        ],
        "conversations": [_conversation(c) for c in conversations],
        "data_requests": [
            {"kind": r.kind.value, "source": r.source, "received_at": iso(r.received_at)}
            for r in db.session.scalars(
                sa.select(DataRequest).where(DataRequest.contact_id == contact.id).order_by(DataRequest.id)
            )
        ],
    }


def _conversation(conversation: Conversation) -> dict:
    messages = db.session.scalars(
        sa.select(Message).where(Message.conversation_id == conversation.id).order_by(Message.created_at, Message.id)
    )
    return {
        "id": conversation.id,
        "channel_id": conversation.channel_id,
        "channel_type": conversation.channel.kind.value,
        "status": conversation.status.value,
        "created_at": iso(conversation.created_at),
        "messages": [
            {
                "id": m.id,
                "direction": m.direction.value,
                "kind": m.kind.value,
                "text": m.text,
                "status": m.status.value,
                "created_at": iso(m.created_at),
                "attachments": [_attachment(a) for a in m.attachments],
            }
            for m in messages
        ],
    }


def _attachment(attachment: Attachment) -> dict:
    return {
        "id": attachment.id,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "filename": attachment.filename,
        "stored": attachment.storage_key is not None,
    }


def correct_contact(
    contact: Contact, actor: User, *, name: str, phone: str, email: str, custom_fields: dict[str, str]
) -> None:
    """Rectify the profile; phone to E.164 with the workspace's country, e-mail normalised."""
    workspace = db.session.get(Workspace, contact.workspace_id)
    contact.name = name.strip()[:200]
    contact.phone = _phone(phone, workspace.default_country) if phone.strip() else None
    contact.email = _email(email) if email.strip() else None
    contact.custom_fields = {k.strip()[:60]: v.strip()[:500] for k, v in custom_fields.items() if k.strip()}
    _log(contact, RequestKind.RECTIFICATION, actor, "staff")


def _phone(value: str, country: str) -> str:
    try:
        number = phonenumbers.parse(value, country)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise DataRequestError("phone", _("Enter a valid phone number, with the country code if it is abroad."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _email(value: str) -> str:
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise DataRequestError("email", _("Enter a valid e-mail address.")) from error


def record_objection(contact: Contact, actor: User | None, source: str = "staff") -> int:
    """The contact objects to marketing: consent withdrawn on every campaign channel, at once."""
    withdrawn = sum(
        record_consent(contact, channel, ConsentStatus.WITHDRAWN, source="objection", evidence="data-subject objection")
        is not None
        for channel in CONSENT_CHANNELS
    )
    _log(contact, RequestKind.OBJECTION, actor, source)
    return withdrawn


def requests_of(workspace: Workspace) -> list[tuple[DataRequest, datetime]]:
    """Every request of the workspace, newest first, with its due date under the chosen regime."""
    regime = settings_for(workspace.id).regime
    rows = db.session.scalars(
        sa.select(DataRequest)
        .where(DataRequest.workspace_id == workspace.id)
        .order_by(DataRequest.received_at.desc(), DataRequest.id.desc())
        .limit(500)
    )
    return [(row, due_date(row.received_at, regime)) for row in rows]


def deletions_for(contact_id: int) -> list[DeletionRequest]:
    return list(
        db.session.scalars(
            sa.select(DeletionRequest).where(DeletionRequest.contact_id == contact_id).order_by(DeletionRequest.id)
        )
    )
