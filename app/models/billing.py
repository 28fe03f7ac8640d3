"""A workspace's subscription as Stripe last told us, and every Stripe event we received."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.models.base import Base, TimestampMixin, utcnow
from app.models.types import enum_column


class SubscriptionStatus(StrEnum):
    """Stripe's subscription statuses (CONTRACT §4 passes them through as Stripe says them)."""

    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"
    UNPAID = "unpaid"
    INCOMPLETE = "incomplete"
    INCOMPLETE_EXPIRED = "incomplete_expired"
    PAUSED = "paused"


class BillingAccount(TimestampMixin, Base):
    """One per workspace, created when billing first needs a row; until then the workspace is on
    its 14-day trial counted from its creation. Status is a plain string so a status Stripe adds
    later is stored, not refused."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    workspace_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("workspace.id", ondelete="CASCADE"), unique=True)
    plan: so.Mapped[str] = so.mapped_column(sa.String(20), default="trial")
    status: so.Mapped[str] = so.mapped_column(sa.String(32), default=SubscriptionStatus.TRIALING.value)
    trial_ends_at: so.Mapped[datetime | None]
    stripe_customer_id: so.Mapped[str | None] = so.mapped_column(sa.String(255), unique=True)
    stripe_subscription_id: so.Mapped[str | None] = so.mapped_column(sa.String(255), index=True)
    stripe_price_id: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    current_period_end: so.Mapped[datetime | None]
    cancel_at_period_end: so.Mapped[bool] = so.mapped_column(default=False)
    canceled_at: so.Mapped[datetime | None]
    past_due_since: so.Mapped[datetime | None]
    # When Stripe produced the subscription state we hold (its event's `created`): an older
    # snapshot arriving late never overwrites a newer one.
    state_at: so.Mapped[datetime | None]
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<BillingAccount workspace={self.workspace_id} {self.plan} {self.status}>"


class StripeEventStatus(StrEnum):
    RECEIVED = "received"
    PROCESSED = "processed"
    IGNORED = "ignored"  # verified, but not about a workspace or subscription we know
    FAILED = "failed"  # kept with its payload; Stripe's retry applies it again


class StripeEvent(Base):
    """A verified Stripe event, unique by Stripe's id so a redelivery is applied once.
    The payload is kept only until the event is applied."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    stripe_id: so.Mapped[str] = so.mapped_column(sa.String(255), unique=True)
    type: so.Mapped[str] = so.mapped_column(sa.String(80))
    workspace_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("workspace.id", ondelete="SET NULL"), index=True
    )
    status: so.Mapped[StripeEventStatus] = so.mapped_column(
        enum_column(StripeEventStatus),
        default=StripeEventStatus.RECEIVED,
    )
    payload: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    created: so.Mapped[datetime]  # Stripe's `created`
    received_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    processed_at: so.Mapped[datetime | None]
