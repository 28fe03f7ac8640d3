"""What an owner asks Stripe for: a Checkout session, a customer-portal session, a cancellation."""

from __future__ import annotations

import logging
from datetime import UTC, timedelta

from flask_babel import gettext as _

from app.billing import account as accounts
from app.billing import plans, stripe_gateway
from app.models import BillingAccount, SubscriptionStatus, User, Workspace, utcnow

log = logging.getLogger(__name__)

# Stripe Checkout refuses a trial_end less than 48 hours away.
MIN_TRIAL_LEFT = timedelta(hours=48)


class BillingError(Exception):
    """An owner's billing request we cannot do; `reason` is shown to them."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _require_configured() -> None:
    if not plans.is_configured():
        raise BillingError(_("Billing is not configured on this installation."))


def ensure_customer(account: BillingAccount, workspace: Workspace, owner: User) -> str:
    """The workspace's Stripe customer, created on first use and reused ever after."""
    if not account.stripe_customer_id:
        account.stripe_customer_id = stripe_gateway.create_customer(
            name=workspace.name, email=owner.email, workspace_id=workspace.id
        )
    return account.stripe_customer_id


def _trial_end(account: BillingAccount) -> int | None:
    """The rest of our trial carries over into the subscription, when Stripe allows it."""
    if account.stripe_subscription_id or account.trial_ends_at is None:
        return None
    if account.trial_ends_at - utcnow() < MIN_TRIAL_LEFT:
        return None
    return int(account.trial_ends_at.replace(tzinfo=UTC).timestamp())


def start_checkout(
    workspace: Workspace, plan_key: str, owner: User, *, success_url: str, cancel_url: str, locale: str = "auto"
) -> str:
    """A Checkout session for `plan_key` (subscription mode); returns Stripe's URL.
    Raises BillingError, or stripe_gateway.GatewayError when Stripe cannot be reached."""
    _require_configured()
    price = plans.prices().get(plan_key)
    if price is None or plan_key == plans.TRIAL.key:
        raise BillingError(_("That plan is not available."))
    account = accounts.ensure_account(workspace)
    if accounts.has_live_subscription(account):
        raise BillingError(_("This workspace already has a subscription. Use “Manage billing” to change it."))
    return stripe_gateway.create_checkout_session(
        customer_id=ensure_customer(account, workspace, owner),
        price_id=price,
        workspace_id=workspace.id,
        plan=plan_key,
        success_url=success_url,
        cancel_url=cancel_url,
        trial_end=_trial_end(account),
        locale=locale,
    )


def open_portal(workspace: Workspace, *, return_url: str) -> str:
    """A customer-portal session for cards, invoices and cancellation; returns Stripe's URL."""
    _require_configured()
    account = accounts.account_for(workspace)
    if not account.stripe_customer_id:
        raise BillingError(_("Subscribe to a plan first; then you can manage it here."))
    return stripe_gateway.create_portal_session(customer_id=account.stripe_customer_id, return_url=return_url)


def cancel_subscription(workspace: Workspace) -> bool:
    """Cancel the workspace's subscription at Stripe now (closing a workspace). True when one
    was cancelled; raises stripe_gateway.GatewayError if Stripe refuses, so closing can stop."""
    account = accounts.account_for(workspace)
    if account.id is None or not accounts.has_live_subscription(account):
        return False
    subscription = stripe_gateway.cancel_subscription(account.stripe_subscription_id)
    if not accounts.apply_subscription(account, subscription, utcnow()):
        accounts.set_status(account, SubscriptionStatus.CANCELED, utcnow())
    log.info("stripe: subscription cancelled for workspace %s", workspace.id)
    return True
