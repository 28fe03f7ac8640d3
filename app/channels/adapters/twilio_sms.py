"""SMS/MMS on a Twilio-compatible number: form-encoded webhooks signed with the auth token."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import parse_qsl

from app.channels.adapters import http
from app.channels.adapters.base import (
    ChannelAdapter,
    FetchedMedia,
    InboundAttachment,
    InboundEvent,
    InboundMessage,
    OutboundMessage,
    PermanentError,
    SendResult,
    StatusUpdate,
)

# https://www.twilio.com/docs/messaging/guides/track-outbound-message-status
STATUSES = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "undelivered": "failed",
    "failed": "failed",
}


def twilio_signature(auth_token: str, url: str, params: list[tuple[str, str]]) -> str:
    """https://www.twilio.com/docs/usage/webhooks/webhooks-security: HMAC-SHA1, base64, over the
    full URL followed by each POST field name and value, sorted by name."""
    data = url + "".join(key + value for key, value in sorted(params, key=lambda kv: kv[0]))
    return base64.b64encode(hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()).decode()


class TwilioSmsAdapter(ChannelAdapter):
    """Inbound at /webhooks/twilio/<key>, delivery news at /webhooks/twilio/<key>/status."""

    kind = "sms"
    webhook_source = "twilio"
    secret_keys = ("auth_token",)
    default_rate_per_second = 1.0  # a long code; raise it for short codes and toll-free numbers

    def verify_signature(self, body: bytes, headers: Mapping[str, str], url: str) -> bool:
        token = self.channel.credentials.get("auth_token", "")
        given = headers.get("X-Twilio-Signature", "")
        if not token or not given:
            return False
        params = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        return hmac.compare_digest(given.encode(), twilio_signature(token, url, params).encode())

    def parse_inbound(self, payload: dict) -> list[InboundEvent]:
        if not isinstance(payload, dict) or not payload.get("MessageSid"):
            raise ValueError("not a Twilio request: no MessageSid")
        route = self.channel.key if self.channel else ""
        if "MessageStatus" in payload and "Body" not in payload:
            status = STATUSES.get(payload["MessageStatus"])
            if status is None:  # queued, sending, accepted: nothing new for staff
                return []
            error = f"Twilio error {payload['ErrorCode']}" if payload.get("ErrorCode") else None
            return [StatusUpdate(route, payload["MessageSid"], status, error=error)]
        if not payload.get("From"):
            raise ValueError("Twilio message without From")
        count = int(payload.get("NumMedia") or 0)
        attachments = [
            InboundAttachment(
                payload.get(f"MediaContentType{i}") or "application/octet-stream", payload[f"MediaUrl{i}"]
            )
            for i in range(count)
            if payload.get(f"MediaUrl{i}")
        ]
        return [
            InboundMessage(
                route_id=route,
                external_id=payload["From"],
                provider_message_id=payload["MessageSid"],
                text=payload.get("Body", ""),
                attachments=attachments,
            )
        ]

    def _account_url(self, path: str) -> str:
        sid = self.channel.settings.get("account_sid", "")
        return http.join(self.config["TWILIO_API_URL"], f"2010-04-01/Accounts/{sid}{path}")

    def _auth(self) -> tuple[str, str]:
        return self.channel.settings.get("account_sid", ""), self.channel.credentials.get("auth_token", "")

    def status_callback_url(self) -> str:
        return http.join(self.config["BASE_URL"], f"webhooks/twilio/{self.channel.key}/status")

    def inbound_url(self) -> str:
        return http.join(self.config["BASE_URL"], f"webhooks/twilio/{self.channel.key}")

    def webhook_urls(self) -> dict[str, str | None]:
        return {"webhook_url": self.inbound_url(), "status_url": self.status_callback_url()}

    def contact_fields(self, external_id: str) -> dict:
        return {"phone": external_id}

    def send(self, message: OutboundMessage) -> SendResult:
        form = {
            "To": message.to,
            "From": self.channel.settings.get("from_number", ""),
            "Body": message.text,
            "StatusCallback": message.status_callback or self.status_callback_url(),
        }
        answer = http.request("POST", self._account_url("/Messages.json"), data=form, auth=self._auth()).json()
        if not answer.get("sid"):
            raise PermanentError("Twilio did not return a message sid")
        if answer.get("status") == "failed":
            raise PermanentError(answer.get("error_message") or "Twilio refused the message")
        return SendResult(answer["sid"])

    def check_credentials(self) -> None:
        http.request("GET", self._account_url(".json"), auth=self._auth())

    def fetch_media(self, source: str) -> FetchedMedia:
        """MediaUrlN, behind the account's basic auth when HTTP auth on media is on."""
        content, content_type = http.download(
            source,
            allowed_hosts=self.config.get("ALLOWED_FETCH_HOSTS", []),
            max_bytes=self.config.get("ATTACHMENT_MAX_BYTES", http.MAX_MEDIA_BYTES),
            auth=self._auth(),
        )
        return FetchedMedia(content, content_type, filename=source.rstrip("/").rsplit("/", 1)[-1])
