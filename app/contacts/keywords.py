"""Opt-out and opt-in by reply: SMS STOP/START (and Spanish BAJA/ALTO/ALTA), WhatsApp keywords per workspace."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from app.extensions import db
from app.models import (
    Channel,
    ChannelKind,
    ConsentKeyword,
    ConsentStatus,
    Contact,
    Conversation,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
)
from app.privacy.consent import record_consent

# The CTIA / carrier standard set, plus the Spanish words our first customers' contacts use.
SMS_KEYWORDS = {
    **dict.fromkeys(
        ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "BAJA", "ALTO"), ConsentStatus.WITHDRAWN
    ),
    **dict.fromkeys(("START", "UNSTOP", "ALTA"), ConsentStatus.GRANTED),
}
# Used until a workspace sets its own WhatsApp keywords.
WHATSAPP_DEFAULTS = {
    "STOP": ConsentStatus.WITHDRAWN,
    "BAJA": ConsentStatus.WITHDRAWN,
    "START": ConsentStatus.GRANTED,
    "ALTA": ConsentStatus.GRANTED,
}
SPANISH_KEYWORDS = {"BAJA", "ALTO", "ALTA"}


def keywords_for(workspace_id: int, kind: ChannelKind) -> dict[str, ConsentStatus]:
    if kind == ChannelKind.SMS:
        return SMS_KEYWORDS
    if kind == ChannelKind.WHATSAPP:
        rows = db.session.scalars(
            sa.select(ConsentKeyword).where(ConsentKeyword.workspace_id == workspace_id, ConsentKeyword.channel == kind)
        ).all()
        return {r.keyword: r.action for r in rows} if rows else WHATSAPP_DEFAULTS
    return {}


def set_whatsapp_keywords(workspace_id: int, withdraw: list[str], grant: list[str]) -> None:
    """Replace the workspace's WhatsApp keywords (upper-cased, one word each)."""
    db.session.execute(
        sa.delete(ConsentKeyword).where(
            ConsentKeyword.workspace_id == workspace_id, ConsentKeyword.channel == ChannelKind.WHATSAPP
        )
    )
    seen: set[str] = set()
    for words, action in ((withdraw, ConsentStatus.WITHDRAWN), (grant, ConsentStatus.GRANTED)):
        for word in words:
            word = word.strip().upper()[:40]
            if word and word not in seen:
                seen.add(word)
                db.session.add(
                    ConsentKeyword(workspace_id=workspace_id, channel=ChannelKind.WHATSAPP, keyword=word, action=action)
                )


def match_keyword(text: str, keywords: dict[str, ConsentStatus]) -> tuple[str, ConsentStatus] | None:
    """A whole-message keyword, ignoring case, spaces and trailing punctuation.

    "stop." counts; "don't stop" does not."""
    word = (text or "").strip().strip(".!¡").strip().upper()
    return (word, keywords[word]) if word in keywords else None


def handle_inbound_keyword(message_id: int) -> Message | None:
    """Apply an opt-out/opt-in keyword in a stored inbound message to the consent ledger.

    Returns the queued confirmation reply (the caller commits and enqueues `send_confirmation`),
    or None when the message is not a keyword or changes nothing.
    """
    message = db.session.get(Message, message_id)
    if message is None or message.direction != Direction.IN:
        return None
    channel = db.session.get(Channel, message.channel_id)
    found = match_keyword(message.text, keywords_for(message.workspace_id, channel.kind))
    if found is None:
        return None
    word, status = found
    conversation = db.session.get(Conversation, message.conversation_id)
    contact = db.session.get(Contact, conversation.contact_id)
    evidence = f"{word} in message {message.provider_message_id or message.id} on channel {channel.id}"
    if record_consent(contact, channel.kind, status, "keyword", evidence) is None:
        return None
    if word in SPANISH_KEYWORDS and not contact.locale:
        contact.locale = "es"
    return _confirmation(message, contact, status)


def _confirmation(message: Message, contact: Contact, status: ConsentStatus) -> Message:
    with force_locale(contact.locale or "en"):
        if status == ConsentStatus.WITHDRAWN:
            text = _("You have been unsubscribed and will receive no more messages. Reply START to subscribe again.")
        else:
            text = _("You are subscribed again. Reply STOP to unsubscribe.")
    reply = Message(
        workspace_id=message.workspace_id,
        conversation_id=message.conversation_id,
        channel_id=message.channel_id,
        direction=Direction.OUT,
        kind=MessageKind.AUTO,
        text=str(text),
        status=MessageStatus.QUEUED,
    )
    db.session.add(reply)
    db.session.flush()
    return reply
