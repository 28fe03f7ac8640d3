"""Telegram bots: updates pushed to our webhook with a secret header, and the Bot API."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from datetime import UTC, datetime

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
)

# Message fields carrying a file, with a content-type guess until Telegram tells us more.
FILE_FIELDS = {
    "document": "application/octet-stream",
    "audio": "audio/mpeg",
    "voice": "audio/ogg",
    "video": "video/mp4",
    "video_note": "video/mp4",
    "animation": "video/mp4",
    "sticker": "image/webp",
}


def message_id(chat_id, telegram_id) -> str:
    """Telegram message ids are unique per chat only."""
    return f"{chat_id}:{telegram_id}"


class TelegramAdapter(ChannelAdapter):
    """https://core.telegram.org/bots/api#update"""

    kind = "telegram"
    webhook_source = "telegram"
    secret_keys = ("bot_token", "webhook_secret")
    default_rate_per_second = 30.0

    def verify_signature(self, body: bytes, headers: Mapping[str, str], url: str) -> bool:
        expected = self.channel.credentials.get("webhook_secret", "")
        given = headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())

    def parse_inbound(self, payload: dict) -> list[InboundEvent]:
        if not isinstance(payload, dict) or "update_id" not in payload:
            raise ValueError("not a Telegram update: no update_id")
        edited = "edited_message" in payload or "edited_channel_post" in payload
        message = payload.get("message") or payload.get("edited_message") or payload.get("channel_post")
        message = message or payload.get("edited_channel_post")
        if message is None:
            return []  # callback queries, polls, member updates: nothing for the inbox
        try:
            return [self._message(message, edited)]
        except (KeyError, TypeError) as error:
            raise ValueError(f"malformed Telegram message: missing {error}") from error

    def _message(self, message: dict, edited: bool) -> InboundMessage:
        chat = message["chat"]
        sender = message.get("from") or {}
        name = " ".join(p for p in (sender.get("first_name"), sender.get("last_name")) if p)
        name = name or chat.get("title") or sender.get("username") or chat.get("username")
        attachments = []
        if message.get("photo"):
            biggest = message["photo"][-1]
            attachments.append(InboundAttachment("image/jpeg", biggest["file_id"], size=biggest.get("file_size")))
        for field, guess in FILE_FIELDS.items():
            if field in message:
                item = message[field]
                attachments.append(
                    InboundAttachment(
                        item.get("mime_type") or guess,
                        item["file_id"],
                        filename=item.get("file_name", ""),
                        size=item.get("file_size"),
                    )
                )
        return InboundMessage(
            route_id=self.channel.key if self.channel else "",
            external_id=str(chat["id"]),
            provider_message_id=message_id(chat["id"], message["message_id"]),
            text=message.get("text") or message.get("caption") or "",
            sent_at=datetime.fromtimestamp(message["date"], UTC).replace(tzinfo=None) if message.get("date") else None,
            contact_name=name or None,
            attachments=attachments,
            edited=edited,
        )

    def _api(self, method: str, **kwargs) -> dict:
        token = self.channel.credentials.get("bot_token", "")
        url = http.join(self.config["TELEGRAM_API_URL"], f"bot{token}/{method}")
        answer = http.request("POST", url, **kwargs).json()
        if not answer.get("ok"):
            raise PermanentError(answer.get("description") or "Telegram refused the call")
        return answer["result"]

    def send(self, message: OutboundMessage) -> SendResult:
        chat_id = message.to
        if message.attachment_path:
            kind = "photo" if (message.attachment_type or "").startswith("image/") else "document"
            with open(message.attachment_path, "rb") as handle:
                result = self._api(
                    f"send{kind.title()}",
                    data={"chat_id": chat_id, "caption": message.text or ""},
                    files={kind: (message.attachment_name or "file", handle, message.attachment_type)},
                )
        else:
            result = self._api("sendMessage", json={"chat_id": chat_id, "text": message.text})
        return SendResult(message_id(chat_id, result["message_id"]))

    def webhook_url(self) -> str:
        return http.join(self.config["BASE_URL"], f"webhooks/telegram/{self.channel.key}")

    def check_credentials(self) -> None:
        """getMe proves the token; setWebhook points the bot at us with our secret_token."""
        me = self._api("getMe")
        self.channel.external_id = str(me["id"])
        self.channel.settings = {**(self.channel.settings or {}), "username": me.get("username", "")}
        self._api(
            "setWebhook",
            json={
                "url": self.webhook_url(),
                "secret_token": self.channel.credentials["webhook_secret"],
                "allowed_updates": ["message", "edited_message"],
            },
        )

    def disconnect(self) -> None:
        self._api("deleteWebhook", json={"drop_pending_updates": False})

    def fetch_media(self, source: str) -> FetchedMedia:
        """getFile gives a file_path, downloaded from {telegram}/file/bot<token>/<file_path>."""
        info = self._api("getFile", json={"file_id": source})
        token = self.channel.credentials.get("bot_token", "")
        url = http.join(self.config["TELEGRAM_API_URL"], f"file/bot{token}/{info['file_path']}")
        content, content_type = http.download(
            url,
            allowed_hosts=self.config.get("ALLOWED_FETCH_HOSTS", []),
            max_bytes=self.config.get("ATTACHMENT_MAX_BYTES", http.MAX_MEDIA_BYTES),
        )
        return FetchedMedia(content, content_type, filename=info["file_path"].rsplit("/", 1)[-1])
