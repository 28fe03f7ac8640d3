"""The one interface every provider implements, and the normalised events it speaks.

Routes, jobs and services reach providers only through `get_adapter(channel)` (registry.py);
an `if channel.kind == …` outside this package means the interface lacks a method.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from app.models import Channel


class TransientError(Exception):
    """429, 5xx, timeouts: try again later with backoff."""


class PermanentError(Exception):
    """Any other refusal: the message fails with the provider's reason, shown to staff."""


@dataclass
class InboundAttachment:
    content_type: str  # best guess from the payload ("image/jpeg", or "image/*" when unknown)
    source: str  # URL, media id or file id, resolved by `fetch_media`
    filename: str = ""
    size: int | None = None
    content: bytes | None = None  # carried in the payload itself (e-mail MIME parts): no download


@dataclass
class InboundMessage:
    """A message from the contact, or an echo of one sent from the provider's own app."""

    route_id: str  # page id, IG id, phone-number id, bot key, number or address: finds the Channel
    external_id: str  # the contact on that channel (PSID, IGSID, wa_id, chat id, number, address)
    provider_message_id: str
    text: str = ""
    sent_at: datetime | None = None
    contact_name: str | None = None
    attachments: list[InboundAttachment] = field(default_factory=list)
    is_echo: bool = False
    edited: bool = False
    meta: dict = field(default_factory=dict)  # e-mail headers for threading, subject, …


@dataclass
class StatusUpdate:
    """Delivery news about a message we sent: sent, delivered, read or failed."""

    route_id: str
    provider_message_id: str | None
    status: str  # a MessageStatus value
    error: str | None = None
    at: datetime | None = None
    # Messenger/Instagram read and delivery events name a watermark, not message ids.
    external_id: str | None = None
    watermark: datetime | None = None


InboundEvent = InboundMessage | StatusUpdate


@dataclass
class OutboundMessage:
    to: str  # the identity's external id
    text: str = ""
    attachment_path: str | None = None  # a stored file to upload
    attachment_type: str | None = None
    attachment_name: str | None = None
    template: dict | None = None  # WhatsApp: {"name", "language", "components"}
    tag: str | None = None  # Messenger HUMAN_AGENT
    subject: str | None = None  # e-mail
    headers: dict = field(default_factory=dict)  # e-mail: In-Reply-To, List-Unsubscribe, …
    html: str | None = None  # e-mail
    status_callback: str | None = None  # Twilio


@dataclass
class SendResult:
    provider_message_id: str


@dataclass
class FetchedMedia:
    content: bytes
    content_type: str
    filename: str = ""


class ChannelAdapter(ABC):
    """One provider. Set `kind`, implement these; HTTP only through http.py; never commit."""

    kind: ClassVar[str]  # CONTRACT §2 type: "messenger", "sms", …
    # Inbound webhooks reach us at /webhooks/<webhook_source>[/<channel key>].
    webhook_source: ClassVar[str]
    secret_keys: ClassVar[tuple[str, ...]] = ()  # settings stored encrypted
    required_settings: ClassVar[tuple[str, ...]] = ()  # CONTRACT §2 keys for `channel add`
    generated_secrets: ClassVar[tuple[str, ...]] = ()  # made by us on connect (webhook secret, token)
    route_setting: ClassVar[str | None] = None  # the setting that routes inbound events here
    # False when a failed check should save the channel as needing attention instead of refusing.
    check_blocks_connect: ClassVar[bool] = True
    default_rate_per_second: ClassVar[float] = 1.0

    def __init__(self, channel: Channel | None = None, config: Mapping | None = None):
        self.channel = channel
        self.config = config  # the app's settings (base URLs, app secret)

    @abstractmethod
    def verify_signature(self, body: bytes, headers: Mapping[str, str], url: str) -> bool:
        """True only for a request the provider really sent."""

    @abstractmethod
    def parse_inbound(self, payload: dict) -> list[InboundEvent]:
        """Messages, statuses and echoes in one stored payload; ValueError when malformed."""

    @abstractmethod
    def send(self, message: OutboundMessage) -> SendResult:
        """Deliver one message; raises TransientError or PermanentError."""

    @abstractmethod
    def check_credentials(self) -> None:
        """On connect: prove the credentials work; may register our webhook. PermanentError if not."""

    def fetch_media(self, source: str) -> FetchedMedia:
        """Download an inbound attachment named by `source`."""
        raise PermanentError("this channel has no media to fetch")

    # Optional operations with safe defaults.

    def delivery_report(self, payload: dict) -> bytes | None:
        """A stored payload that is a delivery report (an e-mail DSN), as raw bytes; else None."""
        return None

    def message_tag(self, last_inbound_at: datetime | None) -> str | None:
        """A provider tag a reply needs at this point of the conversation (Meta HUMAN_AGENT)."""
        return None

    def contact_fields(self, external_id: str) -> dict:
        """What a new contact's profile learns from their id on this channel (phone, email)."""
        return {}

    def fetch_profile(self, external_id: str) -> str | None:
        """The contact's display name from the provider's profile API, when it has one."""
        return None

    def webhook_urls(self) -> dict[str, str | None]:
        """Where the provider must call us: CONTRACT §2's `webhook_url` and `status_url`."""
        base = (self.config or {}).get("BASE_URL", "").rstrip("/")
        return {"webhook_url": f"{base}/webhooks/{self.webhook_source}/{self.channel.key}", "status_url": None}

    def disconnect(self) -> None:
        """Stop the provider pushing to us (Telegram deleteWebhook); best effort."""
        return None

    def message_templates(self) -> list[dict]:
        """Approved message templates (WhatsApp): [{"name", "language", "body"}]; none elsewhere."""
        return []
