"""Plan limits and usage: seats, channels and outbound messages this month.

Other features call the `check_*` functions before they add a member, connect a channel or
send; each raises PlanLimitError with a translated reason and a link to upgrade.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _

from app.billing import account as accounts
from app.billing import plans
from app.extensions import db
from app.models import (
    Channel,
    ChannelStatus,
    Direction,
    Invitation,
    Membership,
    Message,
    MessageKind,
    SubscriptionStatus,
    Workspace,
    utcnow,
)

S = SubscriptionStatus


class PlanLimitError(Exception):
    """Refused by the plan; `reason` is shown to the person, with a link to `upgrade_url`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
        self.upgrade_url = billing_url()


def billing_url() -> str:
    if has_request_context():
        return url_for("billing.index")
    path = current_app.url_map.bind("localhost").build("billing.index")
    return current_app.config["BASE_URL"] + path


@dataclass(frozen=True)
class Usage:
    seats: int
    channels: int
    messages_this_month: int

    def as_dict(self) -> dict[str, int]:
        return {"seats": self.seats, "channels": self.channels, "messages_this_month": self.messages_this_month}


def month_start(workspace: Workspace, now: datetime | None = None) -> datetime:
    """The first instant of this month in the workspace's time zone, as naive UTC."""
    try:
        zone = ZoneInfo(workspace.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = (now or utcnow()).replace(tzinfo=UTC).astimezone(zone)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return start.astimezone(UTC).replace(tzinfo=None)


def _count(statement) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery())) or 0


def seats_used(workspace: Workspace) -> int:
    """Members plus invitations still waiting to be accepted."""
    members = _count(sa.select(Membership.id).where(Membership.workspace_id == workspace.id))
    invited = _count(
        sa.select(Invitation.id).where(
            Invitation.workspace_id == workspace.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
    )
    return members + invited


def channels_used(workspace: Workspace) -> int:
    return _count(
        sa.select(Channel.id).where(Channel.workspace_id == workspace.id, Channel.status != ChannelStatus.DISCONNECTED)
    )


def messages_this_month(workspace: Workspace, now: datetime | None = None) -> int:
    """Outbound messages created since the month began (private notes are never sent)."""
    return _count(
        sa.select(Message.id).where(
            Message.workspace_id == workspace.id,
            Message.direction == Direction.OUT,
            Message.kind != MessageKind.NOTE,
            Message.created_at >= month_start(workspace, now),
        )
    )


def usage(workspace: Workspace) -> Usage:
    return Usage(seats_used(workspace), channels_used(workspace), messages_this_month(workspace))


def current_plan(workspace: Workspace) -> plans.Plan:
    return plans.get_plan(accounts.account_for(workspace).plan)


def check_seat_available(workspace: Workspace) -> None:
    """Before inviting someone: members plus pending invitations stay within the plan's seats."""
    plan = current_plan(workspace)
    if seats_used(workspace) >= plan.seats:
        raise PlanLimitError(
            _(
                "Your %(plan)s plan includes %(limit)s seats, counting pending invitations. "
                "Upgrade your plan or remove someone first.",
                plan=plan.name,
                limit=plan.seats,
            )
        )


def check_channel_available(workspace: Workspace) -> None:
    """Before connecting a channel: connected channels stay within the plan's limit."""
    plan = current_plan(workspace)
    if channels_used(workspace) >= plan.channels:
        raise PlanLimitError(
            _(
                "Your %(plan)s plan includes %(limit)s channels. Upgrade your plan or disconnect one first.",
                plan=plan.name,
                limit=plan.channels,
            )
        )


def check_can_send(workspace: Workspace, count: int = 1, *, campaign: bool = False) -> None:
    """Before queueing `count` outbound messages (a reply: 1; a campaign: its audience).

    A past-due workspace keeps replying; its campaigns stop after the grace period.
    """
    account = accounts.account_for(workspace)
    _check_standing(account, campaign)
    plan = plans.get_plan(account.plan)
    sent = messages_this_month(workspace)
    if sent + count > plan.messages_per_month:
        raise PlanLimitError(
            _(
                "This would go over the %(limit)s messages a month of your %(plan)s plan "
                "(%(sent)s sent so far this month). Upgrade your plan to send more.",
                limit=plan.messages_per_month,
                plan=plan.name,
                sent=sent,
            )
        )


def _check_standing(account, campaign: bool) -> None:
    status = accounts.effective_status(account)
    if status in (S.TRIALING, S.ACTIVE):
        return
    if status == S.PAST_DUE:
        since = account.past_due_since or utcnow()
        if not campaign or utcnow() - since < plans.PAST_DUE_GRACE:
            return
        raise PlanLimitError(
            _("Your last payment failed, so campaigns are paused. Update your card in billing to resume them.")
        )
    if status == S.PAUSED and not account.stripe_subscription_id:
        raise PlanLimitError(_("Your free trial has ended. Choose a plan to keep sending messages."))
    raise PlanLimitError(_("Your subscription is not active. Choose a plan to keep sending messages."))
