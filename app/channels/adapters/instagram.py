"""Instagram Direct (a professional account): the Messenger event shape under `object: instagram`."""

from __future__ import annotations

from app.channels.adapters.messenger import MessengerAdapter

SUBSCRIBED_FIELDS = "messages,messaging_postbacks,messaging_seen,message_reactions"


class InstagramAdapter(MessengerAdapter):
    """https://developers.facebook.com/docs/messenger-platform/instagram/features/webhook"""

    kind = "instagram"
    meta_object = "instagram"
    route_setting = "ig_user_id"
    subscribed_fields = SUBSCRIBED_FIELDS

    def fetch_profile(self, external_id: str) -> str | None:
        answer = self.graph().call("GET", external_id, params={"fields": "name,username"})
        return answer.get("name") or answer.get("username")
