"""Per-kind facts shared by channel tests: connect settings and the ids used in payload samples."""

from __future__ import annotations

from app.models import ChannelKind
from tests.fakes.smtp_server import PASSWORD, USERNAME

# kind → (external_id of the channel, settings for connect, credentials)
SAMPLE_CHANNELS = {
    ChannelKind.MESSENGER: ("1122334455", {"page_id": "1122334455"}, {"access_token": "page-token"}),
    ChannelKind.INSTAGRAM: ("17841400000000001", {"ig_user_id": "17841400000000001"}, {"access_token": "ig-token"}),
    ChannelKind.WHATSAPP: (
        "106540352242922",
        {"phone_number_id": "106540352242922", "waba_id": "102290129340398"},
        {"access_token": "wa-token"},
    ),
    ChannelKind.TELEGRAM: (
        "7000000001",
        {"username": "aurora_shop_bot"},
        {"bot_token": "123:ABC", "webhook_secret": "tg-secret"},
    ),
    ChannelKind.SMS: (
        "+15557654321",
        {"account_sid": "AC0123456789abcdef0123456789abcdef", "from_number": "+15557654321"},
        {"auth_token": "twilio-auth-token"},
    ),
    ChannelKind.EMAIL: (
        "hola@aurora.example",
        {
            "address": "hola@aurora.example",
            "smtp_host": "127.0.0.1",
            "smtp_username": USERNAME,
            "smtp_security": "none",
        },
        {"smtp_password": PASSWORD, "inbound_token": "inbound-token"},
    ),
}

# kind → (sample with text, contact external id, text, sample with an attachment)
INBOUND = {
    ChannelKind.MESSENGER: ("text", "6543210987654321", "Hola, ¿tienen mesas para hoy?", "image"),
    ChannelKind.INSTAGRAM: ("text", "1234567890123456", "Do you ship to Valparaíso?", "image"),
    ChannelKind.WHATSAPP: ("text", "5215512345678", "¿A qué hora abren mañana?", "image"),
    ChannelKind.TELEGRAM: ("text", "123456789", "Hola! ¿Hacen envíos a Santiago?", "photo"),
    ChannelKind.SMS: ("text", "+15005550006", "Is my order ready?", "mms"),
    ChannelKind.EMAIL: (
        "text",
        "lucia@example.org",
        "Hola, quisiera reservar para 4 personas el sábado.\n\nGracias,\nLucía",
        "reply_with_attachment",
    ),
}
