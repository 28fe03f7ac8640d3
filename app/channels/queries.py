"""What the channels pages show: this workspace's channels, and events nobody could route."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Channel, ChannelStatus, WebhookEvent, WebhookStatus, Workspace


def channels_of(workspace: Workspace) -> list[Channel]:
    return list(
        db.session.scalars(
            sa.select(Channel)
            .where(Channel.workspace_id == workspace.id)
            .order_by((Channel.status == ChannelStatus.DISCONNECTED).asc(), Channel.name)
        )
    )


def unrouted_events(limit: int = 20) -> list[WebhookEvent]:
    """Verified events for ids nobody has connected (no workspace owns them; ids only, no content)."""
    return list(
        db.session.scalars(
            sa.select(WebhookEvent)
            .where(WebhookEvent.status == WebhookStatus.UNROUTED)
            .order_by(WebhookEvent.id.desc())
            .limit(limit)
        )
    )
