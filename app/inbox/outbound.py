"""Staff replies, notes and retries: channel rules first, then a queued Message for the outbound job."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.billing.limits import PlanLimitError, check_can_send
from app.extensions import db
from app.inbox import live, uploads
from app.inbox.rules import ReplyPolicy, reply_policy
from app.models import (
    Conversation,
    Direction,
    InboxSettings,
    Message,
    MessageKind,
    MessageStatus,
    User,
    Workspace,
    utcnow,
)


class ReplyError(ValueError):
    """A reply that cannot be queued; `reason` is translated and shown under the reply box."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class ChannelRuleError(ReplyError):
    """Refused by a channel rule; `rule` names it (e.g. meta_24h_window, sms_opt_out)."""

    def __init__(self, rule: str, reason: str):
        super().__init__(reason)
        self.rule = rule


def _check_plan(workspace_id: int) -> None:
    """The plan's monthly messages and subscription standing (billing) apply to replies too."""
    try:
        check_can_send(db.session.get(Workspace, workspace_id))
    except PlanLimitError as limit:
        raise ChannelRuleError("plan_limit", limit.reason) from limit


def settings_for(workspace_id: int) -> InboxSettings | None:
    return db.session.scalar(sa.select(InboxSettings).where(InboxSettings.workspace_id == workspace_id))


def policy_for(conversation: Conversation) -> ReplyPolicy:
    return reply_policy(conversation, settings_for(conversation.workspace_id))


def queue_reply(
    conversation: Conversation,
    user: User | None,
    text: str,
    attachment: uploads.Upload | None = None,
    template: dict | None = None,
    kind: MessageKind = MessageKind.MESSAGE,
) -> Message:
    """Check the channel's rules and add a queued outbound Message; the caller commits and enqueues
    `send_message(message.id)`. Raises ChannelRuleError (naming the rule) or ReplyError."""
    text = (text or "").strip()
    if not text and attachment is None and template is None:
        raise ReplyError(_("Write a message or attach a file before sending."))
    policy = policy_for(conversation)
    if not policy.allowed:
        raise ChannelRuleError(policy.rule, policy.reason)
    _check_plan(conversation.workspace_id)
    if policy.templates_only and template is None:
        raise ChannelRuleError(policy.rule, policy.reason)
    content_type = uploads.check(attachment) if attachment is not None else None
    meta: dict = {}
    if policy.tag:
        meta["tag"] = policy.tag
    if template is not None:
        meta["template"] = template
        kind = MessageKind.TEMPLATE
    message = _add(conversation, user, text, kind, MessageStatus.QUEUED, meta)
    if attachment is not None:
        uploads.attach(message, attachment, content_type)
    return message


def add_note(conversation: Conversation, user: User, text: str) -> Message:
    """A private note: stored on the conversation, shown only to staff, never queued or sent."""
    text = (text or "").strip()
    if not text:
        raise ReplyError(_("Write the note before saving it."))
    # Status "received" means stored; the outbound job only ever claims "queued" rows.
    return _add(conversation, user, text, MessageKind.NOTE, MessageStatus.RECEIVED, {}, touch=False)


def retry(message: Message) -> bool:
    """Queue a failed outbound message again; False when it is not a failed message of ours."""
    if message.status != MessageStatus.FAILED or message.direction != Direction.OUT or message.kind == MessageKind.NOTE:
        return False
    conversation = db.session.get(Conversation, message.conversation_id)
    policy = policy_for(conversation)
    if not policy.allowed or (policy.templates_only and message.kind != MessageKind.TEMPLATE):
        raise ChannelRuleError(policy.rule, policy.reason)
    message.status, message.error, message.attempts, message.status_at = MessageStatus.QUEUED, None, 0, utcnow()
    live.bump(message.workspace_id)
    return True


def _add(
    conversation: Conversation,
    user: User | None,
    text: str,
    kind: MessageKind,
    status: MessageStatus,
    meta: dict,
    touch: bool = True,
) -> Message:
    message = Message(
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        channel_id=conversation.channel_id,
        direction=Direction.OUT,
        kind=kind,
        text=text,
        status=status,
        sender_id=user.id if user else None,
        meta=meta,
        created_at=utcnow(),
    )
    db.session.add(message)
    if touch:
        conversation.last_message_at = message.created_at
        conversation.preview = (text or _("Attachment"))[:200]
    live.bump(conversation.workspace_id)
    return message
