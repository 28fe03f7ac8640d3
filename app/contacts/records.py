"""Creating and editing contacts, their tags and custom fields. Services: the caller commits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from app.contacts.identities import AddressError, find_by_address, normalize_email, normalize_phone
from app.extensions import db
from app.models import ChannelKind, ConsentStatus, Contact, ContactField, ContactTag, Tag, Workspace
from app.privacy.consent import CONSENT_CHANNELS, record_consent

FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
RESERVED_KEYS = {"name", "first_name", "phone", "email", "fields", "contact"}


class ContactError(ValueError):
    def __init__(self, field_name: str, reason: str):
        super().__init__(reason)
        self.field = field_name
        self.reason = reason


@dataclass
class ConsentInput:
    channel: str
    status: str
    source: str
    evidence: str = ""


@dataclass
class ContactInput:
    name: str = ""
    phone: str | None = None
    email: str | None = None
    tags: list[str] = field(default_factory=list)
    consents: list[ConsentInput] = field(default_factory=list)
    custom_fields: dict = field(default_factory=dict)


def clean_addresses(workspace: Workspace, phone: str | None, email: str | None) -> tuple[str | None, str | None]:
    try:
        phone = normalize_phone(phone, workspace.default_country) if phone and phone.strip() else None
        email = normalize_email(email) if email and email.strip() else None
    except AddressError as error:
        raise ContactError(error.field, error.reason) from error
    return phone, email


def create_contact(workspace: Workspace, data: ContactInput, default_source: str = "api") -> Contact:
    """A new contact with tags and consents; ContactError names the bad field."""
    phone, email = clean_addresses(workspace, data.phone, data.email)
    consents = [_check_consent(c, default_source) for c in data.consents]
    contact = Contact(
        workspace_id=workspace.id, name=(data.name or "").strip()[:200], phone=phone, email=email, custom_fields={}
    )
    contact.custom_fields = dict(data.custom_fields)
    db.session.add(contact)
    db.session.flush()
    set_tags(contact, data.tags)
    for consent in consents:
        record_consent(contact, *consent)
    return contact


def update_contact(contact: Contact, workspace: Workspace, name: str, phone: str | None, email: str | None) -> None:
    contact.phone, contact.email = clean_addresses(workspace, phone, email)
    contact.name = (name or "").strip()[:200]


def _check_consent(consent: ConsentInput, default_source: str) -> tuple:
    try:
        channel = ChannelKind(consent.channel)
        status = ConsentStatus(consent.status)
    except ValueError as error:
        raise ContactError(
            "consents", "consent channel must be sms, email or whatsapp and status granted or withdrawn"
        ) from error
    if channel not in CONSENT_CHANNELS:
        raise ContactError("consents", "consent channel must be sms, email or whatsapp")
    return channel, status, (consent.source or default_source)[:30], consent.evidence or ""


def ensure_tags(workspace_id: int, names: list[str]) -> list[Tag]:
    """The workspace's tags with these names, created when missing."""
    wanted = {n.strip()[:60] for n in names if n and n.strip()}
    if not wanted:
        return []
    existing = {
        t.name: t
        for t in db.session.scalars(sa.select(Tag).where(Tag.workspace_id == workspace_id, Tag.name.in_(wanted)))
    }
    for name in wanted - existing.keys():
        tag = Tag(workspace_id=workspace_id, name=name)
        db.session.add(tag)
        existing[name] = tag
    db.session.flush()
    return sorted(existing.values(), key=lambda t: t.name)


def set_tags(contact: Contact, names: list[str]) -> None:
    """Add these tags to the contact (existing tags stay)."""
    have = set(db.session.scalars(sa.select(ContactTag.tag_id).where(ContactTag.contact_id == contact.id)))
    for tag in ensure_tags(contact.workspace_id, names):
        if tag.id not in have:
            db.session.add(ContactTag(contact_id=contact.id, tag_id=tag.id))
    db.session.flush()
    db.session.expire(contact, ["tags"])


def remove_tag(contact: Contact, tag_id: int) -> None:
    db.session.execute(sa.delete(ContactTag).where(ContactTag.contact_id == contact.id, ContactTag.tag_id == tag_id))
    db.session.expire(contact, ["tags"])


def add_field(workspace: Workspace, key: str, label: str) -> ContactField:
    key = (key or "").strip().lower()
    if not FIELD_KEY.match(key) or key in RESERVED_KEYS:
        raise ContactError(
            "key", _("Use lower-case letters, digits and _ (starting with a letter), not a built-in name.")
        )
    exists = db.session.scalar(
        sa.select(ContactField).where(ContactField.workspace_id == workspace.id, ContactField.key == key)
    )
    if exists:
        raise ContactError("key", _("A field with this key already exists."))
    definition = ContactField(workspace_id=workspace.id, key=key, label=(label or key).strip()[:80])
    db.session.add(definition)
    return definition


def field_definitions(workspace_id: int) -> list[ContactField]:
    return list(
        db.session.scalars(
            sa.select(ContactField).where(ContactField.workspace_id == workspace_id).order_by(ContactField.key)
        )
    )


def set_custom_fields(contact: Contact, values: dict[str, str]) -> None:
    known = {f.key for f in field_definitions(contact.workspace_id)}
    merged = dict(contact.custom_fields or {})
    for key, value in values.items():
        if key in known:
            merged[key] = (value or "").strip()[:500]
    contact.custom_fields = merged


def find_duplicate(workspace: Workspace, phone: str | None, email: str | None) -> Contact | None:
    return find_by_address(workspace.id, phone, email)
