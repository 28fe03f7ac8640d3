"""Stripe webhook events: stored once by event id, then applied to the workspace's billing state.

Order of arrival means nothing (Stripe does not guarantee it): every change is weighed against
the state we hold by the time Stripe produced it (the event's `created`) and the subscription's
own status and period. https://docs.stripe.com/webhooks#event-ordering
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.billing import account as accounts
from app.billing import plans, stripe_gateway
from app.extensions import db
from app.models import BillingAccount, StripeEvent, StripeEventStatus, SubscriptionStatus, Workspace, utcnow

log = logging.getLogger(__name__)

S = SubscriptionStatus
DONE = {StripeEventStatus.PROCESSED, StripeEventStatus.IGNORED}


def store(event: dict[str, Any]) -> StripeEvent:
    """The stored row for this event id, inserted on first delivery (a redelivery returns it)."""
    existing = _by_stripe_id(event["id"])
    if existing is not None:
        return existing
    row = StripeEvent(
        stripe_id=event["id"],
        type=event.get("type", ""),
        payload=event,
        created=accounts.from_timestamp(event.get("created")) or utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same event delivered twice at once
        return _by_stripe_id(event["id"])
    return row


def _by_stripe_id(stripe_id: str) -> StripeEvent | None:
    return db.session.scalar(sa.select(StripeEvent).where(StripeEvent.stripe_id == stripe_id))


def is_done(row: StripeEvent) -> bool:
    return row.status in DONE


def apply(row: StripeEvent) -> None:
    """Apply a stored event once; afterwards only its id and outcome are kept, not the payload."""
    if is_done(row):
        return
    handler = HANDLERS.get(row.type)
    obj = (row.payload or {}).get("data", {}).get("object") or {}
    account = handler(obj, row) if handler else None
    row.workspace_id = account.workspace_id if account else None
    row.status = StripeEventStatus.PROCESSED if account else StripeEventStatus.IGNORED
    row.processed_at = utcnow()
    row.last_error = None
    row.payload = None


def mark_failed(row: StripeEvent, error: Exception) -> None:
    row.status = StripeEventStatus.FAILED
    row.last_error = f"{type(error).__name__}: {error}"[:500]


def _account_by_customer(customer: Any) -> BillingAccount | None:
    customer_id = customer.get("id") if isinstance(customer, dict) else customer
    if not customer_id:
        return None
    return db.session.scalar(sa.select(BillingAccount).where(BillingAccount.stripe_customer_id == customer_id))


def _account_by_workspace_id(value: Any) -> BillingAccount | None:
    if not str(value or "").isdigit():
        return None
    workspace = db.session.get(Workspace, int(value))
    return accounts.ensure_account(workspace) if workspace is not None else None


def _account_for_object(obj: dict[str, Any]) -> BillingAccount | None:
    return _account_by_customer(obj.get("customer")) or _account_by_workspace_id(
        (obj.get("metadata") or {}).get("workspace_id")
    )


def _checkout_completed(session: dict[str, Any], row: StripeEvent) -> BillingAccount | None:
    """Our Checkout session carries client_reference_id = the workspace id (CONTRACT §3)."""
    if session.get("mode") != "subscription":
        return None
    account = _account_by_workspace_id(session.get("client_reference_id")) or _account_for_object(session)
    if account is None:
        return None
    customer = session.get("customer")
    if isinstance(customer, str) and account.stripe_customer_id != customer:
        account.stripe_customer_id = customer
    subscription = session.get("subscription")
    if isinstance(subscription, dict):
        accounts.apply_subscription(account, subscription, row.created)
    elif subscription:
        _sync_subscription(account, subscription, session, row)
    return account


def _sync_subscription(account: BillingAccount, subscription_id: str, session: dict, row: StripeEvent) -> None:
    """The session names the subscription; its state comes from Stripe itself."""
    try:
        snapshot = stripe_gateway.retrieve_subscription(subscription_id)
    except stripe_gateway.GatewayError as error:
        log.warning("stripe: subscription %s not fetched (%s)", subscription_id, error.reason)
        if account.stripe_subscription_id == subscription_id or (account.state_at or row.created) > row.created:
            return
        # Paid at Checkout: active until the subscription's own events say more.
        account.stripe_subscription_id = subscription_id
        plan = (session.get("metadata") or {}).get("plan")
        account.plan = plan if plan in plans.PLANS else account.plan
        paid = session.get("payment_status") == "paid"
        accounts.set_status(account, S.ACTIVE if paid else S.TRIALING, row.created)
        return
    accounts.apply_subscription(account, snapshot, row.created)


def _subscription_changed(subscription: dict[str, Any], row: StripeEvent) -> BillingAccount | None:
    account = _account_for_object(subscription)
    if account is not None:
        accounts.apply_subscription(account, subscription, row.created)
    return account


def _invoice_account(invoice: dict[str, Any], row: StripeEvent) -> BillingAccount | None:
    """The account, only when the invoice is for its current subscription and is news."""
    account = _account_for_object(invoice)
    if account is None or accounts.subscription_of(invoice) != account.stripe_subscription_id:
        return None
    if account.state_at is not None and row.created < account.state_at:
        return None
    return account


def _invoice_paid(invoice: dict[str, Any], row: StripeEvent) -> BillingAccount | None:
    account = _invoice_account(invoice, row)
    if account is not None and account.status in (S.PAST_DUE, S.UNPAID, S.INCOMPLETE):
        accounts.set_status(account, S.ACTIVE, row.created)
    return account or _account_for_object(invoice)


def _invoice_payment_failed(invoice: dict[str, Any], row: StripeEvent) -> BillingAccount | None:
    account = _invoice_account(invoice, row)
    if account is not None and account.status in (S.ACTIVE, S.TRIALING):
        accounts.set_status(account, S.PAST_DUE, row.created)
    return account or _account_for_object(invoice)


HANDLERS: dict[str, Callable[[dict[str, Any], StripeEvent], BillingAccount | None]] = {
    "checkout.session.completed": _checkout_completed,
    "customer.subscription.created": _subscription_changed,
    "customer.subscription.updated": _subscription_changed,
    "customer.subscription.deleted": _subscription_changed,
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _invoice_payment_failed,
}
