"""Automatic replies after an inbound message: the away reply outside business hours, keyword replies.

Webhook ingestion enqueues `after_inbound(message.id)` once the inbound message is committed.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db
from app.inbox import delivery
from app.inbox.outbound import ReplyError, queue_reply, settings_for
from app.jobs import job
from app.models import (
    Conversation,
    Direction,
    InboxSettings,
    KeywordRule,
    Message,
    MessageKind,
    Workspace,
    utcnow,
)
from app.models.inbox import WEEKDAYS

log = logging.getLogger(__name__)

DEFAULT_HOURS = {day: ["09:00", "17:00"] for day in WEEKDAYS[:5]}


def is_open(settings: InboxSettings, timezone: str, now: datetime | None = None) -> bool:
    """Within business hours in the workspace's time zone; a day without hours is closed."""
    now = (now or utcnow()).replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(timezone or "UTC"))
    hours = (settings.business_hours or {}).get(WEEKDAYS[now.weekday()])
    if not hours:
        return False
    start, end = hours
    return start <= now.strftime("%H:%M") < end


def _recent_automation(conversation_id: int, name: str, since: datetime) -> bool:
    sent = db.session.scalars(
        sa.select(Message.meta).where(
            Message.conversation_id == conversation_id,
            Message.kind == MessageKind.AUTO,
            Message.created_at >= since,
        )
    )
    return any((meta or {}).get("automation") == name for meta in sent)


def matching_rule(workspace_id: int, text: str) -> KeywordRule | None:
    rules = db.session.scalars(
        sa.select(KeywordRule)
        .where(KeywordRule.workspace_id == workspace_id, KeywordRule.active.is_(True))
        .order_by(KeywordRule.id)
    )
    for rule in rules:
        if re.search(rf"(?<!\w){re.escape(rule.keyword.strip())}(?!\w)", text or "", re.IGNORECASE):
            return rule
    return None


def plan_replies(message: Message, now: datetime | None = None) -> list[Message]:
    """Queue the automatic replies this inbound message calls for (caller commits and enqueues)."""
    now = now or utcnow()
    conversation = db.session.get(Conversation, message.conversation_id)
    workspace = db.session.get(Workspace, message.workspace_id)
    settings = settings_for(message.workspace_id)
    wanted: list[tuple[str, str, dict]] = []
    if rule := matching_rule(message.workspace_id, message.text):
        wanted.append(("keyword", rule.reply, {"rule_id": rule.id}))
    if (
        settings is not None
        and settings.away_enabled
        and settings.away_text.strip()
        and not is_open(settings, workspace.timezone, now)
        and not _recent_automation(conversation.id, "away", now - timedelta(hours=settings.away_period_hours))
    ):
        wanted.append(("away", settings.away_text, {}))
    queued = []
    for name, text, extra in wanted:
        try:
            reply = queue_reply(conversation, None, text, kind=MessageKind.AUTO)
        except ReplyError as refused:  # a closed window or an opt-out: stay silent
            log.info(
                "automation %s skipped on conversation %s (%s)", name, conversation.id, getattr(refused, "rule", "")
            )
            continue
        reply.meta = {**reply.meta, "automation": name, **extra}
        queued.append(reply)
    return queued


@job("default", timeout=60)
def after_inbound(message_id: int) -> list[int]:
    """Run automation for one stored inbound message; a replay finds its replies and does nothing."""
    message = db.session.get(Message, message_id)
    if message is None or message.direction != Direction.IN or message.kind != MessageKind.MESSAGE:
        return []
    if message.is_echo or (message.meta or {}).get("automation_done"):
        return []
    replies = plan_replies(message)
    message.meta = {**(message.meta or {}), "automation_done": True}
    db.session.commit()
    for reply in replies:
        delivery.send_later(reply.id)
    return [reply.id for reply in replies]
