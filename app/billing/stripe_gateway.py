"""Every call to Stripe, and the only module that imports `stripe`.

STRIPE_API_BASE (CONTRACT §1) points the client at another API base, path prefix included.
"""

from __future__ import annotations

import json
from typing import Any

import stripe
from flask import current_app


class GatewayError(Exception):
    """Stripe refused or could not be reached; `reason` is safe to log (no keys)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class SignatureError(Exception):
    """A webhook whose Stripe-Signature does not verify."""


def _client() -> stripe.StripeClient:
    key = current_app.config.get("STRIPE_SECRET_KEY")
    if not key:
        raise GatewayError("STRIPE_SECRET_KEY is not set")
    base = current_app.config.get("STRIPE_API_BASE")
    addresses = {"api": base.rstrip("/")} if base else None
    return stripe.StripeClient(key, base_addresses=addresses, max_network_retries=2)


def _call(method, *args, **kwargs) -> dict[str, Any]:
    try:
        return method(*args, **kwargs).to_dict()
    except stripe.StripeError as error:
        raise GatewayError(f"{type(error).__name__}: {error.user_message or error}") from error


def create_customer(*, name: str, email: str, workspace_id: int) -> str:
    """A Stripe customer for the workspace; the idempotency key makes a double click create one."""
    client = _client()
    customer = _call(
        client.v1.customers.create,
        {"name": name, "email": email, "metadata": {"workspace_id": str(workspace_id)}},
        {"idempotency_key": f"conversa-customer-{workspace_id}"},
    )
    return customer["id"]


def create_checkout_session(
    *,
    customer_id: str,
    price_id: str,
    workspace_id: int,
    plan: str,
    success_url: str,
    cancel_url: str,
    trial_end: int | None = None,
    locale: str = "auto",
) -> str:
    """A Checkout session in subscription mode; returns the URL to send the owner to."""
    metadata = {"workspace_id": str(workspace_id), "plan": plan}
    subscription_data: dict[str, Any] = {"metadata": metadata}
    if trial_end:
        subscription_data["trial_end"] = trial_end
    params = {
        "mode": "subscription",
        "customer": customer_id,
        "client_reference_id": str(workspace_id),
        "line_items": [{"price": price_id, "quantity": 1}],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "metadata": metadata,
        "subscription_data": subscription_data,
        "locale": locale,
    }
    return _call(_client().v1.checkout.sessions.create, params)["url"]


def create_portal_session(*, customer_id: str, return_url: str) -> str:
    """A customer-portal session (cards, invoices, cancellation); returns its URL."""
    params = {"customer": customer_id, "return_url": return_url}
    return _call(_client().v1.billing_portal.sessions.create, params)["url"]


def retrieve_subscription(subscription_id: str) -> dict[str, Any]:
    return _call(_client().v1.subscriptions.retrieve, subscription_id)


def cancel_subscription(subscription_id: str) -> dict[str, Any]:
    """Cancel now (not at period end): used when a workspace is closed."""
    return _call(_client().v1.subscriptions.cancel, subscription_id)


def verified_event(payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event as a plain dict, after stripe's own check of the Stripe-Signature header
    (HMAC-SHA256 of "t.payload", five minutes' tolerance)."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise SignatureError("STRIPE_WEBHOOK_SECRET is not set")
    try:
        stripe.Webhook.construct_event(payload, signature, secret)
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise SignatureError(str(error)) from error
    return json.loads(payload)
