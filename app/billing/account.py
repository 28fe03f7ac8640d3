"""A workspace's billing state: its trial, and the subscription snapshot Stripe last sent."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.billing import plans
from app.extensions import db
from app.models import BillingAccount, SubscriptionStatus, Workspace, utcnow

log = logging.getLogger(__name__)

S = SubscriptionStatus
ENDED = {S.CANCELED, S.INCOMPLETE_EXPIRED}
# Only to break a tie between two snapshots of one subscription from the same second.
PROGRESS = {S.INCOMPLETE: 0, S.TRIALING: 1, S.ACTIVE: 2, S.PAST_DUE: 3, S.UNPAID: 4, S.PAUSED: 4, S.CANCELED: 5}


def from_timestamp(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC).replace(tzinfo=None) if value else None


def _new_account(workspace: Workspace) -> BillingAccount:
    started = workspace.created_at or utcnow()
    return BillingAccount(
        workspace_id=workspace.id,
        plan=plans.TRIAL.key,
        status=S.TRIALING.value,
        trial_ends_at=started + timedelta(days=plans.TRIAL_DAYS),
        cancel_at_period_end=False,
    )


def account_for(workspace: Workspace) -> BillingAccount:
    """The workspace's row, or (read-only, not added to the session) its trial from creation."""
    row = db.session.scalar(sa.select(BillingAccount).where(BillingAccount.workspace_id == workspace.id))
    return row or _new_account(workspace)


def ensure_account(workspace: Workspace) -> BillingAccount:
    """The workspace's row, created (and flushed) when billing first needs one."""
    row = db.session.scalar(sa.select(BillingAccount).where(BillingAccount.workspace_id == workspace.id))
    if row is None:
        row = _new_account(workspace)
        db.session.add(row)
        db.session.flush()
    return row


def effective_status(account: BillingAccount, now: datetime | None = None) -> str:
    """Stripe's status; our own trial (no Stripe subscription yet) is `paused` once it has run
    out, as Stripe calls a trial that ended without a payment method."""
    now = now or utcnow()
    if account.status == S.TRIALING and not account.stripe_subscription_id:
        if account.trial_ends_at is not None and account.trial_ends_at <= now:
            return S.PAUSED.value
    return account.status


def trial_days_left(account: BillingAccount, now: datetime | None = None) -> int | None:
    """Whole days left in a running trial (a part day counts as one); None when not trialing."""
    if effective_status(account, now) != S.TRIALING or account.trial_ends_at is None:
        return None
    left = account.trial_ends_at - (now or utcnow())
    return max(0, left.days + (1 if left.seconds or left.microseconds else 0))


def has_live_subscription(account: BillingAccount) -> bool:
    return bool(account.stripe_subscription_id) and account.status not in ENDED


def subscription_of(invoice: dict[str, Any]) -> str | None:
    """An invoice's subscription id: `parent.subscription_details` in current API versions,
    top-level `subscription` in older ones."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    found = details.get("subscription") or invoice.get("subscription")
    return found.get("id") if isinstance(found, dict) else found


def _first_item(subscription: dict[str, Any]) -> dict[str, Any]:
    items = (subscription.get("items") or {}).get("data") or []
    return items[0] if items else {}


def _period_end(subscription: dict[str, Any]) -> int | None:
    # Since API version 2025-03-31 the period lives on the subscription item.
    return subscription.get("current_period_end") or _first_item(subscription).get("current_period_end")


def _is_newer(account: BillingAccount, subscription: dict[str, Any], at: datetime) -> bool:
    same = subscription["id"] == account.stripe_subscription_id
    if not same and has_live_subscription(account) and subscription.get("status") in ENDED:
        return False  # a late end of an earlier subscription never ends the current one
    if account.state_at is None or at > account.state_at:
        return True
    if at < account.state_at:
        return False
    if not same:
        return True
    mine = (account.current_period_end or datetime.min, PROGRESS.get(account.status, 0))
    theirs = (from_timestamp(_period_end(subscription)) or datetime.min, PROGRESS.get(subscription["status"], 0))
    return theirs >= mine


def apply_subscription(account: BillingAccount, subscription: dict[str, Any], at: datetime) -> bool:
    """Take Stripe's subscription object (as of `at`) as the workspace's state, unless we
    already hold a newer one. True when applied."""
    if not _is_newer(account, subscription, at):
        log.info("stripe: older state of %s ignored for workspace %s", subscription["id"], account.workspace_id)
        return False
    price = (_first_item(subscription).get("price") or {}).get("id")
    plan = plans.plan_for_price(price)
    if plan is None:
        log.warning("stripe: price %s is not in STRIPE_PRICES (workspace %s)", price, account.workspace_id)
    status = subscription["status"]
    if status == S.PAST_DUE and account.status != S.PAST_DUE:
        account.past_due_since = at
    elif status != S.PAST_DUE:
        account.past_due_since = None
    customer = subscription.get("customer")
    account.stripe_customer_id = account.stripe_customer_id or (customer if isinstance(customer, str) else None)
    account.stripe_subscription_id = subscription["id"]
    account.stripe_price_id = price
    account.plan = plan or account.plan
    account.status = status
    account.current_period_end = from_timestamp(_period_end(subscription))
    account.cancel_at_period_end = bool(subscription.get("cancel_at_period_end"))
    account.canceled_at = from_timestamp(subscription.get("canceled_at") or subscription.get("ended_at"))
    account.trial_ends_at = from_timestamp(subscription.get("trial_end")) or account.trial_ends_at
    account.state_at = at
    return True


def set_status(account: BillingAccount, status: SubscriptionStatus, at: datetime) -> None:
    """A status learnt from an invoice event, before or without the subscription's own event."""
    if status == S.PAST_DUE and account.status != S.PAST_DUE:
        account.past_due_since = at
    elif status != S.PAST_DUE:
        account.past_due_since = None
    account.status = status.value
    account.state_at = at
