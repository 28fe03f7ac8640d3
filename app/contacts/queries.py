"""The contact finder: one filter set for the list, the API, saved segments and campaign audiences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models import (
    Channel,
    ChannelKind,
    ConsentEvent,
    Contact,
    ContactIdentity,
    ContactTag,
    Conversation,
    Suppression,
    Tag,
)

PAGE_SIZE = 50


@dataclass
class ContactFilters:
    q: str = ""
    tags: tuple[str, ...] = ()  # names; a contact matches when it has any of them
    channel: str = ""  # a channel kind the contact can be reached on
    consent: str = ""  # "<kind>:granted", "<kind>:withdrawn" or "<kind>:none"

    @classmethod
    def from_dict(cls, data: dict) -> ContactFilters:
        tags = data.get("tags") or ()
        if isinstance(tags, str):
            tags = (tags,)
        return cls(
            q=str(data.get("q") or "").strip(),
            tags=tuple(t for t in tags if t),
            channel=str(data.get("channel") or ""),
            consent=str(data.get("consent") or ""),
        )

    def to_dict(self) -> dict:
        return {"q": self.q, "tags": list(self.tags), "channel": self.channel, "consent": self.consent}


def latest_consent(kind: ChannelKind):
    """The contact's current consent on `kind` as a correlated subquery (None when never recorded)."""
    return (
        sa.select(ConsentEvent.status)
        .where(ConsentEvent.contact_id == Contact.id, ConsentEvent.channel == kind)
        .order_by(ConsentEvent.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _reachable(kind: ChannelKind):
    on_channel = sa.exists(
        sa.select(ContactIdentity.id)
        .join(Channel, Channel.id == ContactIdentity.channel_id)
        .where(ContactIdentity.contact_id == Contact.id, Channel.kind == kind)
    )
    if kind == ChannelKind.EMAIL:
        return sa.or_(Contact.email.is_not(None), on_channel)
    if kind in (ChannelKind.SMS, ChannelKind.WHATSAPP):
        return sa.or_(Contact.phone.is_not(None), on_channel)
    return on_channel


def filtered(workspace_id: int, filters: ContactFilters) -> sa.Select:
    """SELECT Contact of the workspace matching every given filter."""
    query = sa.select(Contact).where(Contact.workspace_id == workspace_id)
    if filters.q:
        like = f"%{filters.q.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Contact.name).like(like),
                Contact.phone.like(like),
                sa.func.lower(Contact.email).like(like),
            )
        )
    if filters.tags:
        query = query.where(
            sa.exists(
                sa.select(ContactTag.contact_id)
                .join(Tag, Tag.id == ContactTag.tag_id)
                .where(
                    ContactTag.contact_id == Contact.id, Tag.workspace_id == workspace_id, Tag.name.in_(filters.tags)
                )
            )
        )
    if filters.channel in ChannelKind.__members__.values():
        query = query.where(_reachable(ChannelKind(filters.channel)))
    kind, _, state = filters.consent.partition(":")
    if kind in ChannelKind.__members__.values() and state in ("granted", "withdrawn", "none"):
        current = latest_consent(ChannelKind(kind))
        query = query.where(current.is_(None) if state == "none" else current == state)
    return query


def contact_page(
    workspace_id: int, filters: ContactFilters, before: tuple[datetime, int] | None = None, limit: int = PAGE_SIZE
):
    """One page, newest first, keyset on (created_at, id); returns (contacts, next key or None)."""
    query = filtered(workspace_id, filters).options(so.selectinload(Contact.tags))
    if before:
        query = query.where(
            sa.tuple_(Contact.created_at, Contact.id) < sa.tuple_(sa.literal(before[0]), sa.literal(before[1]))
        )
    rows = list(db.session.scalars(query.order_by(Contact.created_at.desc(), Contact.id.desc()).limit(limit + 1)))
    next_key = (rows[limit - 1].created_at, rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], next_key


def count(workspace_id: int, filters: ContactFilters) -> int:
    subquery = filtered(workspace_id, filters).with_only_columns(Contact.id).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(subquery)) or 0


def workspace_tags(workspace_id: int) -> list[Tag]:
    return list(db.session.scalars(sa.select(Tag).where(Tag.workspace_id == workspace_id).order_by(Tag.name)))


def consent_history(contact_id: int) -> list[ConsentEvent]:
    return list(
        db.session.scalars(
            sa.select(ConsentEvent).where(ConsentEvent.contact_id == contact_id).order_by(ConsentEvent.id.desc())
        )
    )


def conversations_of(contact_id: int) -> list[Conversation]:
    return list(
        db.session.scalars(
            sa.select(Conversation)
            .where(Conversation.contact_id == contact_id)
            .options(so.selectinload(Conversation.channel))
            .order_by(Conversation.last_message_at.desc())
        )
    )


def suppressions_of(contact: Contact) -> list[Suppression]:
    addresses = [a.lower() for a in (contact.email, contact.phone) if a]
    if not addresses:
        return []
    return list(
        db.session.scalars(
            sa.select(Suppression).where(
                Suppression.workspace_id == contact.workspace_id, Suppression.address.in_(addresses)
            )
        )
    )
