"""Posting Stripe events to /webhooks/stripe, signed as Stripe signs them."""

from __future__ import annotations

import json

import pytest

from app.billing import account as accounts
from app.extensions import db
from tests.conftest import STRIPE_WEBHOOK_SECRET
from tests.fakes import stripe_server


@pytest.fixture
def send_event(client, stripe_api):
    """send_event(event_dict) → the response; the body is signed with the webhook secret."""

    def send(event: dict, secret: str = STRIPE_WEBHOOK_SECRET, signature: str | None = None):
        body = json.dumps(event).encode()
        header = signature if signature is not None else stripe_server.sign(body, secret)
        return client.post(
            "/webhooks/stripe", data=body, headers={"Stripe-Signature": header, "Content-Type": "application/json"}
        )

    return send


@pytest.fixture
def state():
    """The workspace's billing row as stored now."""

    def read(workspace):
        db.session.expire_all()
        return accounts.account_for(workspace)

    return read


@pytest.fixture
def request_ctx(app):
    """Services that build translated messages run inside a request, as the views call them."""
    with app.test_request_context():
        yield
