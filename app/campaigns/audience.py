"""Who a campaign reaches: contacts with any of its tags or in any of its segments, and who may be sent."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from app.contacts.queries import ContactFilters, filtered, latest_consent
from app.extensions import db
from app.models import (
    Campaign,
    Channel,
    ChannelKind,
    ConsentEvent,
    ConsentStatus,
    Contact,
    ContactIdentity,
    Segment,
    Suppression,
)

CHUNK = 2000


def _segments(workspace_id: int, ids: list[int]) -> list[Segment]:
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Segment).where(Segment.workspace_id == workspace_id, Segment.id.in_(ids))))


def audience_ids(workspace_id: int, audience: dict) -> sa.Select | None:
    """SELECT contact ids matching the audience (any tag, any segment); None when it names nothing."""
    queries = []
    if audience.get("tags"):
        queries.append(filtered(workspace_id, ContactFilters(tags=tuple(audience["tags"]))))
    for segment in _segments(workspace_id, audience.get("segment_ids") or []):
        queries.append(filtered(workspace_id, ContactFilters.from_dict(segment.filters or {})))
    if not queries:
        return None
    # One scan with OR-ed conditions: keyset chunks (id > last) stay cheap at any audience size.
    return sa.select(Contact.id).where(Contact.workspace_id == workspace_id, sa.or_(*[q.whereclause for q in queries]))


def live_count(workspace_id: int, audience: dict, kind: ChannelKind | None) -> dict[str, int]:
    """{"total": contacts in the audience, "consenting": those with consent on the channel kind now}."""
    query = audience_ids(workspace_id, audience)
    if query is None:
        return {"total": 0, "consenting": 0}
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    consenting = 0
    if kind is not None:
        granted = query.where(latest_consent(kind) == ConsentStatus.GRANTED)
        consenting = db.session.scalar(sa.select(sa.func.count()).select_from(granted.subquery())) or 0
    return {"total": total, "consenting": consenting}


def recipient_rows(campaign: Campaign, channel: Channel) -> Iterator[list[dict]]:
    """Chunks of recipient rows for the campaign: queued when consented and reachable, else skipped."""
    query = audience_ids(campaign.workspace_id, campaign.audience or {})
    if query is None:
        return
    after = 0
    while True:
        ids = list(db.session.scalars(query.where(Contact.id > after).order_by(Contact.id).limit(CHUNK)))
        if not ids:
            return
        after = ids[-1]
        yield _rows_for(campaign, channel, ids)


def _rows_for(campaign: Campaign, channel: Channel, ids: list[int]) -> list[dict]:
    contacts = db.session.execute(sa.select(Contact.id, Contact.phone, Contact.email).where(Contact.id.in_(ids))).all()
    identities = dict(
        db.session.execute(
            sa.select(ContactIdentity.contact_id, ContactIdentity.external_id).where(
                ContactIdentity.contact_id.in_(ids), ContactIdentity.channel_id == channel.id
            )
        ).all()
    )
    latest = (
        sa.select(sa.func.max(ConsentEvent.id))
        .where(ConsentEvent.contact_id.in_(ids), ConsentEvent.channel == channel.kind)
        .group_by(ConsentEvent.contact_id)
    )
    consent = dict(
        db.session.execute(
            sa.select(ConsentEvent.contact_id, ConsentEvent.status).where(ConsentEvent.id.in_(latest))
        ).all()
    )
    addresses = {cid: _address(channel.kind, identities.get(cid), phone, email) for cid, phone, email in contacts}
    suppressed = set(
        db.session.scalars(
            sa.select(Suppression.address).where(
                Suppression.workspace_id == campaign.workspace_id,
                Suppression.address.in_([a.lower() for a in addresses.values() if a]),
            )
        )
    )
    rows = []
    for cid, address in addresses.items():
        reason = _skip_reason(consent.get(cid), address, suppressed)
        rows.append(
            {
                "campaign_id": campaign.id,
                "contact_id": cid,
                "channel_id": channel.id,
                "address": address or "",
                "state": "skipped" if reason else "queued",
                "error": reason,
            }
        )
    return rows


def _address(kind: ChannelKind, identity: str | None, phone: str | None, email: str | None) -> str | None:
    if identity:
        return identity
    if kind == ChannelKind.EMAIL:
        return email
    if kind == ChannelKind.SMS:
        return phone
    if kind == ChannelKind.WHATSAPP and phone:
        return phone.lstrip("+")
    return None


def _skip_reason(consent: str | None, address: str | None, suppressed: set[str]) -> str | None:
    if not address:
        return "no address on this channel"
    if consent == ConsentStatus.WITHDRAWN:
        return "opted out"
    if consent != ConsentStatus.GRANTED:
        return "no consent for this channel"
    if address.lower() in suppressed:
        return "address suppressed after a hard bounce"
    return None
