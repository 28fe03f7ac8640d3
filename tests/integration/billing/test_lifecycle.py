"""Trial → paid → past due → cancelled → paid again, the workspace following Stripe at each step."""

import time

import pytest

from app.billing import checkout, limits
from app.billing.limits import PlanLimitError
from app.billing.summary import workspace_summary
from app.extensions import db
from tests.conftest import STRIPE_PRICES
from tests.fakes import stripe_server as fake

pytestmark = pytest.mark.usefixtures("request_ctx")


def _summary(workspace):
    db.session.expire_all()
    return workspace_summary(workspace)


def _checkout(client, stripe_api, plan):
    response = client.post(f"/billing/checkout/{plan}")
    assert response.status_code == 303
    return [c[2] for c in stripe_api.calls if c[1] == "/v1/checkout/sessions"][-1]


def test_trial_to_paid_to_past_due_to_canceled_and_back(client, login_as, workspace, owner, stripe_api, send_event):
    sent = []

    def stripe_says(event_type, obj, created):
        event = fake.event(event_type, obj, created=created)
        sent.append(event)
        assert send_event(event).status_code == 200

    assert _summary(workspace)["subscription_status"] == "trialing"
    login_as(owner, workspace)
    params = _checkout(client, stripe_api, "starter")
    customer, sub_id, t = params["customer"], fake.new_id("sub"), int(time.time()) - 1000
    trial_end = int(params["subscription_data[trial_end]"])

    # Checkout completes: Stripe creates the subscription in trial (our trial carried over).
    sub = fake.subscription(sub_id, customer, STRIPE_PRICES["starter"], "trialing", trial_end=trial_end)
    stripe_api.subscriptions[sub_id] = sub
    stripe_says("customer.subscription.created", sub, t)
    stripe_says("checkout.session.completed", fake.checkout_session("cs_a", customer, sub_id, workspace.id), t + 1)
    summary = _summary(workspace)
    assert (summary["plan"], summary["subscription_status"]) == ("starter", "trialing")
    assert summary["trial_ends_at"] is not None and summary["limits"]["messages_per_month"] == 5000

    # The trial ends and the first invoice is paid.
    active = fake.subscription(sub_id, customer, STRIPE_PRICES["starter"], "active", trial_end=trial_end)
    stripe_says("customer.subscription.updated", active, t + 100)
    stripe_says("invoice.paid", fake.invoice(customer, sub_id), t + 100)
    assert _summary(workspace)["subscription_status"] == "active"

    # A renewal fails: invoice.payment_failed arrives before the subscription's own update.
    stripe_says("invoice.payment_failed", fake.invoice(customer, sub_id, status="open"), t + 200)
    assert _summary(workspace)["subscription_status"] == "past_due"
    past_due = fake.subscription(sub_id, customer, STRIPE_PRICES["starter"], "past_due", trial_end=trial_end)
    stripe_says("customer.subscription.updated", past_due, t + 200)
    assert _summary(workspace)["subscription_status"] == "past_due"
    limits.check_can_send(workspace)

    # The owner cancels in the portal.
    ended = fake.subscription(sub_id, customer, STRIPE_PRICES["starter"], "canceled", canceled_at=t + 300)
    stripe_says("customer.subscription.deleted", ended, t + 300)
    assert _summary(workspace)["subscription_status"] == "canceled"
    with pytest.raises(PlanLimitError):
        limits.check_can_send(workspace)
    assert "Subscribe to Pro" in client.get("/billing").get_data(as_text=True)

    # …and comes back on Pro, with the same Stripe customer and no trial left to carry over.
    params = _checkout(client, stripe_api, "pro")
    assert params["customer"] == customer and "subscription_data[trial_end]" not in params
    new_id = fake.new_id("sub")
    pro = fake.subscription(new_id, customer, STRIPE_PRICES["pro"], "active")
    stripe_api.subscriptions[new_id] = pro
    stripe_says("checkout.session.completed", fake.checkout_session("cs_b", customer, new_id, workspace.id), t + 400)
    stripe_says("customer.subscription.created", pro, t + 400)
    stripe_says("invoice.paid", fake.invoice(customer, new_id), t + 400)
    final = _summary(workspace)
    assert (final["plan"], final["subscription_status"]) == ("pro", "active")
    assert final["limits"]["seats"] == 20
    limits.check_can_send(workspace, 10, campaign=True)

    # Every event delivered again, in reverse: nothing changes.
    for event in reversed(sent):
        assert send_event(event).get_json() == {"received": True, "duplicate": True}
    assert _summary(workspace) == final


def test_cancel_subscription_cancels_at_stripe_now(workspace, owner, stripe_api, send_event):
    customer, sub_id = fake.new_id("cus"), fake.new_id("sub")
    stripe_api.subscriptions[sub_id] = fake.subscription(sub_id, customer, STRIPE_PRICES["pro"], "active")
    send_event(fake.event("checkout.session.completed", fake.checkout_session("cs", customer, sub_id, workspace.id)))
    db.session.expire_all()
    assert checkout.cancel_subscription(workspace) is True
    db.session.commit()
    assert ("DELETE", f"/v1/subscriptions/{sub_id}", {}) in stripe_api.calls
    assert _summary(workspace)["subscription_status"] == "canceled"
    assert checkout.cancel_subscription(workspace) is False  # nothing left to cancel


def test_cancel_subscription_without_one_calls_nobody(workspace, stripe_api):
    assert checkout.cancel_subscription(workspace) is False
    assert stripe_api.calls == []
