"""WhatsApp Business (Cloud API phone number): `changes[].value` messages and statuses."""

from __future__ import annotations

import mimetypes

from app.channels.adapters import http
from app.channels.adapters.base import (
    FetchedMedia,
    InboundAttachment,
    InboundEvent,
    InboundMessage,
    OutboundMessage,
    PermanentError,
    SendResult,
    StatusUpdate,
)
from app.channels.adapters.meta import MetaAdapter, from_seconds

MEDIA_TYPES = ("image", "audio", "video", "document", "sticker")
STATUSES = {"sent": "sent", "delivered": "delivered", "read": "read", "failed": "failed"}


class WhatsAppAdapter(MetaAdapter):
    """https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components"""

    kind = "whatsapp"
    meta_object = "whatsapp_business_account"
    route_setting = "phone_number_id"
    required_settings = ("phone_number_id", "waba_id", "access_token")
    default_rate_per_second = 80.0

    def parse_inbound(self, payload: dict) -> list[InboundEvent]:
        if payload.get("object") != self.meta_object:
            raise ValueError(f"expected object {self.meta_object!r}")
        try:
            events: list[InboundEvent] = []
            for entry in payload["entry"]:
                for change in entry["changes"]:
                    if change.get("field") == "messages":
                        events.extend(self._value(change["value"]))
            return events
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"malformed whatsapp event: missing {error}") from error

    def _value(self, value: dict) -> list[InboundEvent]:
        route = str(value["metadata"]["phone_number_id"])
        names = {c["wa_id"]: (c.get("profile") or {}).get("name") for c in value.get("contacts", [])}
        events: list[InboundEvent] = [self._message(route, m, names) for m in value.get("messages", [])]
        for status in value.get("statuses", []):
            errors = status.get("errors") or []
            reason = None
            if errors:
                first = errors[0]
                detail = (first.get("error_data") or {}).get("details") or first.get("message") or ""
                reason = f"{first.get('title', 'failed')} (code {first.get('code')}) {detail}".strip()
            events.append(
                StatusUpdate(
                    route,
                    status["id"],
                    STATUSES.get(status["status"], status["status"]),
                    error=reason,
                    at=from_seconds(status.get("timestamp")),
                )
            )
        return events

    def _message(self, route: str, message: dict, names: dict) -> InboundMessage:
        kind = message.get("type")
        text = ""
        attachments = []
        if kind == "text":
            text = message["text"]["body"]
        elif kind in MEDIA_TYPES:
            media = message[kind]
            text = media.get("caption", "")
            attachments.append(
                InboundAttachment(
                    media.get("mime_type") or f"{kind}/*", media["id"], filename=media.get("filename", "")
                )
            )
        elif kind == "button":
            text = message["button"].get("text", "")
        elif kind == "interactive":
            reply = message["interactive"].get("button_reply") or message["interactive"].get("list_reply") or {}
            text = reply.get("title", "")
        elif kind == "location":
            location = message["location"]
            text = f"{location.get('name') or ''} {location.get('latitude')},{location.get('longitude')}".strip()
        elif kind == "reaction":
            text = message["reaction"].get("emoji", "")
        return InboundMessage(
            route_id=route,
            external_id=str(message["from"]),
            provider_message_id=message["id"],
            text=text,
            sent_at=from_seconds(message.get("timestamp")),
            contact_name=names.get(message["from"]),
            attachments=attachments,
            meta={"context": message["context"]} if message.get("context") else {},
        )

    def contact_fields(self, external_id: str) -> dict:
        return {"phone": "+" + external_id.lstrip("+")}

    def send(self, message: OutboundMessage) -> SendResult:
        body: dict = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": message.to}
        if message.template:
            body.update(type="template", template=message.template)
        elif message.attachment_path:
            media_id = self._upload(message)
            kind = (message.attachment_type or "").split("/")[0]
            kind = kind if kind in ("image", "video", "audio") else "document"
            body.update(type=kind, **{kind: {"id": media_id}})
            if kind == "document":
                body[kind]["filename"] = message.attachment_name or "file"
            if message.text and kind != "audio":
                body[kind]["caption"] = message.text
        else:
            body.update(type="text", text={"preview_url": False, "body": message.text})
        answer = self.graph(bearer=True).call("POST", f"{self.channel.external_id}/messages", json=body)
        try:
            return SendResult(answer["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as error:
            raise PermanentError("WhatsApp did not return a message id") from error

    def _upload(self, message: OutboundMessage) -> str:
        with open(message.attachment_path, "rb") as handle:
            answer = self.graph(bearer=True).call(
                "POST",
                f"{self.channel.external_id}/media",
                data={"messaging_product": "whatsapp", "type": message.attachment_type},
                files={"file": (message.attachment_name or "file", handle, message.attachment_type)},
            )
        return answer["id"]

    def check_credentials(self) -> None:
        """CONTRACT §2: connecting WhatsApp needs no call; a bad token shows on the first send."""
        return None

    def fetch_media(self, source: str) -> FetchedMedia:
        """A media id: `GET /{media_id}` gives a short-lived URL, fetched with the same token."""
        info = self.graph(bearer=True).call("GET", source)
        if not info.get("url"):
            raise PermanentError("WhatsApp did not return a media URL")
        content, content_type = http.download(
            info["url"],
            allowed_hosts=self.config.get("ALLOWED_FETCH_HOSTS", []),
            max_bytes=self.config.get("ATTACHMENT_MAX_BYTES", http.MAX_MEDIA_BYTES),
            headers={"Authorization": f"Bearer {self.channel.credentials.get('access_token', '')}"},
        )
        content_type = info.get("mime_type") or content_type
        extension = mimetypes.guess_extension(content_type.split(";")[0]) or ""
        return FetchedMedia(content, content_type.split(";")[0], filename=f"{source}{extension}")

    def message_templates(self) -> list[dict]:
        """Approved templates of the account: GET {graph}/{v}/{waba_id}/message_templates.

        https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account/message_templates/
        """
        waba_id = (self.channel.settings or {}).get("waba_id")
        if not waba_id:
            raise PermanentError("the channel has no WhatsApp Business Account id (waba_id)")
        answer = self.graph(bearer=True).call(
            "GET", f"{waba_id}/message_templates", params={"fields": "name,language,status,components", "limit": 100}
        )
        found = []
        for template in answer.get("data", []):
            if template.get("status") != "APPROVED":
                continue
            body = next((c.get("text", "") for c in template.get("components", []) if c.get("type") == "BODY"), "")
            found.append({"name": template["name"], "language": template.get("language", "en_US"), "body": body})
        return found
