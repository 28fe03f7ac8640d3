"""Channel rules for replies: Meta's 24-hour window and human-agent tag, WhatsApp templates, SMS opt-outs.

Meta: https://developers.facebook.com/docs/messenger-platform/policy/policy-overview#24hours
WhatsApp: https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages#customer-service-windows
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _

from app.models import ChannelKind, Conversation, InboxSettings, utcnow
from app.privacy.consent import is_opted_out

STANDARD_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class ReplyPolicy:
    """What the reply box may send now; `rule` names the rule that limits it, if any."""

    allowed: bool = True
    templates_only: bool = False
    tag: str | None = None  # Messenger HUMAN_AGENT
    rule: str | None = None
    # Lazy strings: translated when shown, so jobs (no request, no locale) can evaluate rules too.
    reason: str = ""
    hint: str = ""


def last_inbound(conversation: Conversation) -> datetime | None:
    moments = [conversation.last_inbound_at]
    if conversation.identity is not None:
        moments.append(conversation.identity.last_inbound_at)
    moments = [m for m in moments if m is not None]
    return max(moments) if moments else None


def reply_policy(
    conversation: Conversation, settings: InboxSettings | None, now: datetime | None = None
) -> ReplyPolicy:
    """The rule in force for a staff reply on this conversation right now."""
    now = now or utcnow()
    kind = conversation.channel.kind
    if not conversation.channel.is_active:
        return ReplyPolicy(
            False,
            rule="channel_disconnected",
            reason=_("Channel disconnected: this channel can no longer send messages."),
            hint=_("An admin can reconnect it on the channels page."),
        )
    if kind == ChannelKind.SMS and is_opted_out(conversation.contact_id, ChannelKind.SMS):
        return ReplyPolicy(
            False,
            rule="sms_opt_out",
            reason=_("SMS opt-out: this contact has opted out of text messages, so they cannot be messaged."),
            hint=_("They can opt in again by texting START; until then, reach them on another channel."),
        )
    if kind not in (ChannelKind.MESSENGER, ChannelKind.INSTAGRAM, ChannelKind.WHATSAPP):
        return ReplyPolicy()
    since = last_inbound(conversation)
    elapsed = now - since if since else None
    if elapsed is not None and elapsed <= STANDARD_WINDOW:
        return ReplyPolicy()
    if kind == ChannelKind.WHATSAPP:
        return ReplyPolicy(
            True,
            templates_only=True,
            rule="whatsapp_24h_window",
            reason=_(
                "WhatsApp 24-hour window: more than 24 hours have passed since the contact's last message, "
                "so only approved templates can be sent."
            ),
            hint=_("Choose an approved template; when the contact answers, free replies open again."),
        )
    if kind == ChannelKind.MESSENGER and settings is not None and settings.human_agent_tag:
        if elapsed is not None and elapsed <= HUMAN_AGENT_WINDOW:
            return ReplyPolicy(tag="HUMAN_AGENT", rule="messenger_human_agent")
    return ReplyPolicy(
        False,
        rule="meta_24h_window",
        reason=_(
            "24-hour window: Messenger and Instagram accept replies only within 24 hours of the contact's "
            "last message, and that time has passed."
        ),
        hint=_(
            "Wait for the contact to write again. Admins can enable the human agent tag in inbox settings "
            "to answer up to 7 days later."
        )
        if kind == ChannelKind.MESSENGER
        else _("Wait for the contact to write again."),
    )
