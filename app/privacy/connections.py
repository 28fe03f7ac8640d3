"""Members' Facebook connections and what Meta's deauthorize callback removes."""

from __future__ import annotations

import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import Channel, ChannelKind, ChannelStatus, FacebookConnection, utcnow

META_KINDS = (ChannelKind.MESSENGER, ChannelKind.INSTAGRAM, ChannelKind.WHATSAPP)


def deauthorize(facebook_user_id: str) -> dict[str, int]:
    """Remove this app user's connections and tokens; channels connected through them are
    disconnected (their token came from that login, so it no longer works).

    Channels record who connected them in `settings["facebook_user_id"]` (set by Meta OAuth).
    """
    removed = db.session.execute(
        sa.delete(FacebookConnection).where(FacebookConnection.facebook_user_id == facebook_user_id)
    ).rowcount
    disconnected = 0
    channels = db.session.scalars(sa.select(Channel).where(Channel.kind.in_(META_KINDS)))
    for channel in channels:
        if str((channel.settings or {}).get("facebook_user_id", "")) != facebook_user_id:
            continue
        channel.status = ChannelStatus.DISCONNECTED
        channel.disconnected_at = utcnow()
        channel.last_error = "Disconnected: the Facebook user removed the app."
        channel.credentials = {}
        disconnected += 1
        audit.record("channel.deauthorized", workspace_id=channel.workspace_id, target=f"channel:{channel.id}")
    audit.record("privacy.deauthorized", connections=removed, channels=disconnected)
    return {"connections": removed, "channels": disconnected}
