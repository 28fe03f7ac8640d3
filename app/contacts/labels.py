"""Translated labels for channel kinds and consent sources, as template filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.contacts import bp

CHANNEL_LABELS = {
    "messenger": "Messenger",
    "instagram": "Instagram",
    "whatsapp": "WhatsApp",
    "telegram": "Telegram",
    "sms": "SMS",
    "email": _l("E-mail"),
}
SOURCE_LABELS = {
    "import": _l("import"),
    "form": _l("form"),
    "keyword": _l("keyword reply"),
    "api": _l("API"),
    "staff": _l("staff"),
    "unsubscribe_link": _l("unsubscribe link"),
    "bounce": _l("bounce"),
}


@bp.app_template_filter("channel_label")
def channel_label(kind) -> str:
    return str(CHANNEL_LABELS.get(str(kind), str(kind)))


@bp.app_template_filter("consent_source")
def consent_source(source: str) -> str:
    return str(SOURCE_LABELS.get(source, source))
