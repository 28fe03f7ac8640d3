"""Merging a duplicate into the contact we keep: identities, conversations, consents, tags move."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import CampaignRecipient, ConsentEvent, Contact, ContactIdentity, ContactTag, Conversation


class MergeError(ValueError):
    pass


def merge_contacts(keep: Contact, duplicate: Contact) -> dict[str, int]:
    """Move everything `duplicate` holds onto `keep`, then delete `duplicate`. Nothing is lost:
    profile gaps are filled from the duplicate and the consent ledgers are joined in time order."""
    if keep.id == duplicate.id or keep.workspace_id != duplicate.workspace_id:
        raise MergeError("pick two different contacts of this workspace")
    moved = {
        "identities": _move(ContactIdentity, duplicate.id, keep.id),
        "conversations": _move(Conversation, duplicate.id, keep.id),
        "consents": _move(ConsentEvent, duplicate.id, keep.id),
        "tags": _move_tags(duplicate.id, keep.id),
        "campaign_recipients": _move_recipients(duplicate.id, keep.id),
    }
    db.session.expire(duplicate)
    _fill_profile(keep, duplicate)
    db.session.delete(duplicate)
    db.session.flush()
    db.session.expire(keep)
    return moved


def _move(model, from_id: int, to_id: int) -> int:
    result = db.session.execute(
        sa.update(model)
        .where(model.contact_id == from_id)
        .values(contact_id=to_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def _move_tags(from_id: int, to_id: int) -> int:
    have = set(db.session.scalars(sa.select(ContactTag.tag_id).where(ContactTag.contact_id == to_id)))
    theirs = set(db.session.scalars(sa.select(ContactTag.tag_id).where(ContactTag.contact_id == from_id)))
    for tag_id in theirs - have:
        db.session.add(ContactTag(contact_id=to_id, tag_id=tag_id))
    db.session.flush()
    return len(theirs - have)


def _move_recipients(from_id: int, to_id: int) -> int:
    """Campaign history moves too, except where the kept contact was already in that campaign."""
    taken = sa.select(CampaignRecipient.campaign_id).where(CampaignRecipient.contact_id == to_id)
    result = db.session.execute(
        sa.update(CampaignRecipient)
        .where(CampaignRecipient.contact_id == from_id, CampaignRecipient.campaign_id.not_in(taken))
        .values(contact_id=to_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def _fill_profile(keep: Contact, duplicate: Contact) -> None:
    for attr in ("name", "phone", "email", "locale", "avatar_url"):
        if not getattr(keep, attr) and getattr(duplicate, attr):
            value = getattr(duplicate, attr)
            setattr(duplicate, attr, None if attr != "name" else "")  # free unique-ish addresses first
            setattr(keep, attr, value)
    keep.custom_fields = {**(duplicate.custom_fields or {}), **(keep.custom_fields or {})}
    if duplicate.notes:
        keep.notes = "\n\n".join(n for n in (keep.notes, duplicate.notes) if n)
