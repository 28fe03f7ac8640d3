"""What the conversation view shows beside the thread: the contact's panel and the page's choices."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models import (
    CannedResponse,
    Channel,
    ConsentEvent,
    Contact,
    ContactIdentity,
    Label,
    Membership,
    User,
    Workspace,
)
from app.privacy.consent import CONSENT_CHANNELS


def contact_panel(contact_id: int, workspace_id: int) -> dict:
    """The contact with identities (and their channels) and tags, and the consent state per channel."""
    contact = db.session.scalar(
        sa.select(Contact)
        .where(Contact.id == contact_id, Contact.workspace_id == workspace_id)
        .options(
            so.selectinload(Contact.identities).joinedload(ContactIdentity.channel),
            so.selectinload(Contact.tags),
        )
    )
    # The newest ledger event per channel is its state (the same rule as consent.consent_state).
    consents = {kind.value: None for kind in CONSENT_CHANNELS}
    for channel, status in db.session.execute(
        sa.select(ConsentEvent.channel, ConsentEvent.status)
        .where(ConsentEvent.contact_id == contact_id)
        .order_by(ConsentEvent.id)
    ):
        consents[channel.value] = status.value
    return {"contact": contact, "consents": consents}


def members(workspace: Workspace) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).join(Membership).where(Membership.workspace_id == workspace.id).order_by(User.name)
        )
    )


def labels(workspace: Workspace) -> list[Label]:
    return list(db.session.scalars(sa.select(Label).where(Label.workspace_id == workspace.id).order_by(Label.name)))


def canned_responses(workspace: Workspace) -> list[CannedResponse]:
    return list(
        db.session.scalars(
            sa.select(CannedResponse)
            .where(CannedResponse.workspace_id == workspace.id)
            .order_by(CannedResponse.shortcut)
        )
    )


def channels(workspace: Workspace) -> list[Channel]:
    return list(
        db.session.scalars(sa.select(Channel).where(Channel.workspace_id == workspace.id).order_by(Channel.name))
    )
