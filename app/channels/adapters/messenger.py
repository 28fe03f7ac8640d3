"""Facebook Messenger (a Page): `messaging` webhook events and the Send API."""

from __future__ import annotations

import json

from app.channels.adapters.base import (
    InboundAttachment,
    InboundEvent,
    InboundMessage,
    OutboundMessage,
    PermanentError,
    SendResult,
    StatusUpdate,
)
from app.channels.adapters.meta import MetaAdapter, from_millis

# Meta attachment types → a best-guess content type until the file is downloaded.
ATTACHMENT_TYPES = {"image": "image/*", "video": "video/*", "audio": "audio/*", "file": "application/octet-stream"}
SUBSCRIBED_FIELDS = "messages,messaging_postbacks,message_echoes,message_deliveries,message_reads"


class MessengerAdapter(MetaAdapter):
    """https://developers.facebook.com/docs/messenger-platform/webhooks"""

    kind = "messenger"
    meta_object = "page"
    route_setting = "page_id"
    subscribed_fields = SUBSCRIBED_FIELDS

    def parse_inbound(self, payload: dict) -> list[InboundEvent]:
        if payload.get("object") != self.meta_object:
            raise ValueError(f"expected object {self.meta_object!r}")
        try:
            return [event for entry in payload["entry"] for event in self._entry(entry)]
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"malformed {self.kind} event: missing {error}") from error

    def _entry(self, entry: dict) -> list[InboundEvent]:
        route = str(entry["id"])
        events: list[InboundEvent] = []
        for item in entry.get("messaging", []):
            sender, recipient = str(item["sender"]["id"]), str(item["recipient"]["id"])
            if "message" in item:
                message = self._message(route, sender, recipient, item)
                if message:
                    events.append(message)
            elif "postback" in item:
                postback = item["postback"]
                events.append(
                    InboundMessage(
                        route_id=route,
                        external_id=sender,
                        provider_message_id=postback.get("mid") or f"postback:{sender}:{item.get('timestamp')}",
                        text=postback.get("title") or postback.get("payload") or "",
                        sent_at=from_millis(item.get("timestamp")),
                    )
                )
            elif "delivery" in item:
                events.extend(self._delivery(route, sender, item["delivery"]))
            elif "read" in item:
                events.append(self._read(route, sender, item["read"]))
        return events

    def _message(self, route: str, sender: str, recipient: str, item: dict) -> InboundMessage | None:
        message = item["message"]
        if message.get("is_deleted") or "mid" not in message:
            return None
        echo = bool(message.get("is_echo"))
        attachments = [
            InboundAttachment(ATTACHMENT_TYPES[a["type"]], a["payload"]["url"])
            for a in message.get("attachments", [])
            if a.get("type") in ATTACHMENT_TYPES and (a.get("payload") or {}).get("url")
        ]
        return InboundMessage(
            route_id=route,
            external_id=recipient if echo else sender,
            provider_message_id=message["mid"],
            text=message.get("text", ""),
            sent_at=from_millis(item.get("timestamp")),
            attachments=attachments,
            is_echo=echo,
        )

    def _delivery(self, route: str, sender: str, delivery: dict) -> list[StatusUpdate]:
        mids = delivery.get("mids") or []
        at = from_millis(delivery.get("watermark"))
        if mids:
            return [StatusUpdate(route, mid, "delivered", at=at) for mid in mids]
        return [StatusUpdate(route, None, "delivered", at=at, external_id=sender, watermark=at)]

    def _read(self, route: str, sender: str, read: dict) -> StatusUpdate:
        if read.get("mid"):  # Instagram names the message
            return StatusUpdate(route, read["mid"], "read")
        at = from_millis(read.get("watermark"))
        return StatusUpdate(route, None, "read", at=at, external_id=sender, watermark=at)

    def route_id(self) -> str:
        return self.channel.external_id

    def send(self, message: OutboundMessage) -> SendResult:
        body: dict = {"recipient": {"id": message.to}, "messaging_type": "RESPONSE", "message": {}}
        if message.tag:
            body["messaging_type"], body["tag"] = "MESSAGE_TAG", message.tag
        files = None
        if message.attachment_path:
            kind = (message.attachment_type or "").split("/")[0]
            kind = kind if kind in ("image", "video", "audio") else "file"
            body["message"]["attachment"] = {"type": kind, "payload": {"is_reusable": False}}
            handle = open(message.attachment_path, "rb")  # noqa: SIM115 - closed below
            files = {"filedata": (message.attachment_name or "file", handle, message.attachment_type)}
        else:
            body["message"]["text"] = message.text
        try:
            if files:
                data = {key: json.dumps(value) for key, value in body.items() if key != "messaging_type"}
                data["messaging_type"] = body["messaging_type"]
                answer = self.graph().call("POST", f"{self.route_id()}/messages", data=data, files=files)
            else:
                answer = self.graph().call("POST", f"{self.route_id()}/messages", json=body)
        finally:
            if files:
                files["filedata"][1].close()
        if not answer.get("message_id"):
            raise PermanentError("Graph did not return a message id")
        return SendResult(answer["message_id"])

    def check_credentials(self) -> None:
        """Subscribe the app to the Page's (or account's) webhooks; fails on a bad token."""
        answer = self.graph().call(
            "POST", f"{self.route_id()}/subscribed_apps", params={"subscribed_fields": self.subscribed_fields}
        )
        if not answer.get("success"):
            raise PermanentError("Meta did not confirm the subscription")

    def fetch_profile(self, external_id: str) -> str | None:
        answer = self.graph().call("GET", external_id, params={"fields": "first_name,last_name"})
        return " ".join(p for p in (answer.get("first_name"), answer.get("last_name")) if p) or None
