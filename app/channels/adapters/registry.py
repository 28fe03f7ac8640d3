"""Every provider, by CONTRACT §2 type: a new provider is one module and one line here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app

from app.channels.adapters.base import ChannelAdapter
from app.channels.adapters.email import EmailAdapter
from app.channels.adapters.instagram import InstagramAdapter
from app.channels.adapters.messenger import MessengerAdapter
from app.channels.adapters.telegram import TelegramAdapter
from app.channels.adapters.twilio_sms import TwilioSmsAdapter
from app.channels.adapters.whatsapp import WhatsAppAdapter

if TYPE_CHECKING:
    from app.models import Channel

REGISTRY: dict[str, type[ChannelAdapter]] = {
    "messenger": MessengerAdapter,
    "instagram": InstagramAdapter,
    "whatsapp": WhatsAppAdapter,
    "telegram": TelegramAdapter,
    "sms": TwilioSmsAdapter,
    "email": EmailAdapter,
}


def get_adapter(channel: Channel) -> ChannelAdapter:
    """The adapter for one connected channel, bound to the app's settings."""
    return REGISTRY[str(channel.kind)](channel, current_app.config)


def adapter_for_kind(kind: str) -> ChannelAdapter:
    """An adapter without a channel: verifying and parsing Meta's app-wide webhooks."""
    return REGISTRY[kind](None, current_app.config)


def adapter_for_meta_object(meta_object: str | None) -> ChannelAdapter | None:
    """`object` of a Meta webhook (page, instagram, whatsapp_business_account) → its adapter."""
    for cls in REGISTRY.values():
        if getattr(cls, "meta_object", None) == meta_object:
            return cls(None, current_app.config)
    return None
