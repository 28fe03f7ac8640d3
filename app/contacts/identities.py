"""Addresses of a contact: phone numbers to E.164, e-mail checks, and where a channel reaches them."""

from __future__ import annotations

import phonenumbers
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from app.extensions import db
from app.models import Channel, ChannelKind, Contact, ContactIdentity


class AddressError(ValueError):
    """A phone number or e-mail address that cannot be used; `field` names which."""

    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field = field
        self.reason = reason


def normalize_phone(raw: str, default_country: str | None = None) -> str:
    """E.164 (`+525512345678`); numbers without a + are read in the workspace's default country."""
    text = (raw or "").strip()
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else (default_country or "US"))
    except phonenumbers.NumberParseException as error:
        raise AddressError("phone", f"not a phone number: {text[:40]}") from error
    if not phonenumbers.is_valid_number(number):
        raise AddressError("phone", f"not a valid phone number: {text[:40]}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str) -> str:
    """The normalised address (domain lower-cased); no DNS lookups, so imports stay fast."""
    try:
        return validate_email((raw or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise AddressError("email", f"not a valid e-mail address: {str(error)}") from error


def identity_on(contact_id: int, channel_id: int) -> ContactIdentity | None:
    return db.session.scalar(
        sa.select(ContactIdentity).where(
            ContactIdentity.contact_id == contact_id, ContactIdentity.channel_id == channel_id
        )
    )


def address_for(contact: Contact, channel: Channel, identity: ContactIdentity | None = None) -> str | None:
    """Where `channel` reaches the contact: its identity there, else the phone or e-mail on file."""
    if identity is not None:
        return identity.external_id
    if channel.kind == ChannelKind.EMAIL:
        return contact.email
    if channel.kind == ChannelKind.SMS:
        return contact.phone
    if channel.kind == ChannelKind.WHATSAPP:
        return contact.phone.lstrip("+") if contact.phone else None  # WhatsApp ids are digits only
    return None


def find_by_address(workspace_id: int, phone: str | None, email: str | None) -> Contact | None:
    """An existing contact with this phone, else this e-mail (duplicates are matched, not created)."""
    for column, value in ((Contact.phone, phone), (Contact.email, email)):
        if value:
            found = db.session.scalar(
                sa.select(Contact).where(Contact.workspace_id == workspace_id, column == value).order_by(Contact.id)
            )
            if found is not None:
                return found
    return None
