"""Closing a workspace cancels its Stripe subscription first; a Stripe refusal closes nothing."""

from app.billing.summary import workspace_summary
from app.extensions import db
from app.models import Workspace
from tests.conftest import STRIPE_PRICES
from tests.factories import PASSWORD
from tests.fakes import stripe_server as fake


def _subscribe(workspace, stripe_api, send_event) -> str:
    customer, sub_id = fake.new_id("cus"), fake.new_id("sub")
    stripe_api.subscriptions[sub_id] = fake.subscription(sub_id, customer, STRIPE_PRICES["pro"], "active")
    send_event(fake.event("checkout.session.completed", fake.checkout_session("cs", customer, sub_id, workspace.id)))
    return sub_id


def _close(client, workspace):
    return client.post("/workspace/close", data={"confirm_name": workspace.name, "password": PASSWORD})


def test_closing_a_paid_workspace_cancels_the_subscription(client, login_as, workspace, owner, stripe_api, send_event):
    sub_id = _subscribe(workspace, stripe_api, send_event)
    login_as(owner, workspace)
    assert _close(client, workspace).status_code == 302
    assert ("DELETE", f"/v1/subscriptions/{sub_id}", {}) in stripe_api.calls
    db.session.expire_all()
    closed = db.session.get(Workspace, workspace.id)
    assert closed.closed_at is not None
    assert workspace_summary(closed)["subscription_status"] == "canceled"


def test_stripe_refusing_the_cancellation_closes_nothing(client, login_as, workspace, owner, stripe_api, send_event):
    _subscribe(workspace, stripe_api, send_event)
    login_as(owner, workspace)
    stripe_api.fail_next(400)  # not retried by the library, unlike a 500
    response = _close(client, workspace)
    assert response.status_code == 400
    assert "Stripe could not cancel" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Workspace, workspace.id).closed_at is None
