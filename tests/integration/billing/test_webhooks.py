"""POST /webhooks/stripe: verified with the signing secret, each event applied once, any order."""

import json
import time

import sqlalchemy as sa

from app.models import StripeEvent, StripeEventStatus
from tests.conftest import STRIPE_PRICES
from tests.factories import make_workspace
from tests.fakes import stripe_server as fake

STARTER, PRO = STRIPE_PRICES["starter"], STRIPE_PRICES["pro"]


def _subscribed(workspace, send_event, stripe_api, status="active", price=STARTER, created=None):
    """Checkout completed for `workspace`: customer cus_…, subscription sub_… known to the fake."""
    customer, sub_id = fake.new_id("cus"), fake.new_id("sub")
    stripe_api.subscriptions[sub_id] = fake.subscription(sub_id, customer, price, status)
    session = fake.checkout_session(fake.new_id("cs"), customer, sub_id, workspace.id)
    response = send_event(fake.event("checkout.session.completed", session, created=created))
    assert response.status_code == 200
    return customer, sub_id


def test_unsigned_or_wrongly_signed_event_is_refused_with_400(send_event, workspace, db):
    event = fake.event("customer.subscription.updated", fake.subscription("sub_x", "cus_x", STARTER))
    unsigned = send_event(event, signature="")
    wrong = send_event(event, secret="whsec_someone_else")
    stale = send_event(event, signature=fake.sign(json.dumps(event).encode(), "whsec_test_conversa", 1_600_000_000))
    for response in (unsigned, wrong, stale):
        assert response.status_code == 400
        assert set(response.get_json()) == {"error"}
    assert db.session.scalar(sa.select(sa.func.count(StripeEvent.id))) == 0


def test_event_is_refused_when_no_webhook_secret_is_set(app, send_event, workspace):
    app.config["STRIPE_WEBHOOK_SECRET"] = None
    event = fake.event("invoice.paid", fake.invoice("cus_x", "sub_x"))
    assert send_event(event).status_code == 400


def test_checkout_completed_links_the_workspace_by_client_reference_id(send_event, stripe_api, workspace, state):
    customer, sub_id = _subscribed(workspace, send_event, stripe_api)
    account = state(workspace)
    assert (account.stripe_customer_id, account.stripe_subscription_id) == (customer, sub_id)
    assert (account.plan, account.status) == ("starter", "active")
    assert account.current_period_end is not None
    assert ("GET", f"/v1/subscriptions/{sub_id}", {}) in stripe_api.calls


def test_duplicate_event_is_applied_once(send_event, stripe_api, workspace, state, db):
    customer, sub_id = _subscribed(workspace, send_event, stripe_api)
    failed = fake.event("invoice.payment_failed", fake.invoice(customer, sub_id, status="open"))
    assert send_event(failed).status_code == 200
    account = state(workspace)
    assert account.status == "past_due"
    first_since = account.past_due_since
    paid = fake.event("invoice.paid", fake.invoice(customer, sub_id))
    send_event(paid)
    assert state(workspace).status == "active"
    again = send_event(failed)  # Stripe redelivers the old failure
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    assert state(workspace).status == "active"
    rows = db.session.scalars(sa.select(StripeEvent).where(StripeEvent.stripe_id == failed["id"])).all()
    assert len(rows) == 1 and rows[0].status == StripeEventStatus.PROCESSED and rows[0].payload is None
    assert first_since is not None


def test_older_subscription_state_arriving_late_is_ignored(send_event, stripe_api, workspace, state):
    customer, sub_id = _subscribed(workspace, send_event, stripe_api, created=int(time.time()) - 100)
    now = int(time.time())
    newer = fake.subscription(sub_id, customer, PRO, "active", period_end=now + 40 * 86400)
    older = fake.subscription(sub_id, customer, STARTER, "past_due", period_end=now + 10 * 86400)
    send_event(fake.event("customer.subscription.updated", newer, created=now))
    send_event(fake.event("customer.subscription.updated", older, created=now - 50))
    account = state(workspace)
    assert (account.plan, account.status) == ("pro", "active")


def test_same_second_events_keep_the_later_period(send_event, stripe_api, workspace, state):
    customer, sub_id = _subscribed(workspace, send_event, stripe_api, created=int(time.time()) - 100)
    now = int(time.time())
    renewed = fake.subscription(sub_id, customer, STARTER, "active", period_end=now + 60 * 86400)
    before = fake.subscription(sub_id, customer, STARTER, "active", period_end=now + 30 * 86400)
    send_event(fake.event("customer.subscription.updated", renewed, created=now))
    send_event(fake.event("customer.subscription.updated", before, created=now))
    assert state(workspace).current_period_end.timestamp() >= now + 59 * 86400 - 86400


def test_subscription_events_before_checkout_completed_are_not_lost(send_event, stripe_api, workspace, state):
    """Stripe may deliver customer.subscription.created before checkout.session.completed."""
    now = int(time.time())
    customer, sub_id = fake.new_id("cus"), fake.new_id("sub")
    sub = fake.subscription(sub_id, customer, PRO, "active", metadata={"workspace_id": str(workspace.id)})
    stripe_api.subscriptions[sub_id] = sub
    send_event(fake.event("customer.subscription.created", sub, created=now))
    assert (state(workspace).plan, state(workspace).status) == ("pro", "active")
    session = fake.checkout_session(fake.new_id("cs"), customer, sub_id, workspace.id)
    send_event(fake.event("checkout.session.completed", session, created=now))
    account = state(workspace)
    assert (account.plan, account.status, account.stripe_customer_id) == ("pro", "active", customer)


def test_late_end_of_an_old_subscription_never_ends_the_new_one(send_event, stripe_api, workspace, state):
    now = int(time.time())
    customer, old_id = _subscribed(workspace, send_event, stripe_api, created=now - 300)
    new_id = fake.new_id("sub")
    stripe_api.subscriptions[new_id] = fake.subscription(new_id, customer, PRO, "active")
    session = fake.checkout_session(fake.new_id("cs"), customer, new_id, workspace.id)
    send_event(fake.event("checkout.session.completed", session, created=now - 10))
    ended = fake.subscription(old_id, customer, STARTER, "canceled", canceled_at=now - 200)
    send_event(fake.event("customer.subscription.deleted", ended, created=now))
    account = state(workspace)
    assert (account.stripe_subscription_id, account.status, account.plan) == (new_id, "active", "pro")


def test_events_for_unknown_customers_are_stored_and_ignored(send_event, stripe_api, workspace, db, state):
    event = fake.event("customer.subscription.updated", fake.subscription("sub_other", "cus_other", STARTER))
    assert send_event(event).status_code == 200
    row = db.session.scalar(sa.select(StripeEvent).where(StripeEvent.stripe_id == event["id"]))
    assert row.status == StripeEventStatus.IGNORED and row.workspace_id is None
    assert state(workspace).status == "trialing"


def test_checkout_for_another_workspace_changes_only_that_one(send_event, stripe_api, state):
    mine, theirs = make_workspace(name="Mine"), make_workspace(name="Theirs")
    _subscribed(theirs, send_event, stripe_api)
    assert state(theirs).status == "active"
    assert state(mine).status == "trialing" and state(mine).id is None


def test_event_that_fails_to_apply_is_kept_and_retried_on_redelivery(send_event, stripe_api, workspace, db, state):
    customer, sub_id = _subscribed(workspace, send_event, stripe_api)
    broken = fake.subscription(sub_id, customer, PRO, "active")
    del broken["status"]
    event = fake.event("customer.subscription.updated", broken)
    response = send_event(event)
    assert response.status_code == 500 and set(response.get_json()) == {"error"}
    row = db.session.scalar(sa.select(StripeEvent).where(StripeEvent.stripe_id == event["id"]))
    assert row.status == StripeEventStatus.FAILED and "KeyError" in row.last_error
    assert row.payload["id"] == event["id"]  # kept until it applies
    assert send_event(event).status_code == 500  # a redelivery is tried again, not taken as a duplicate
    assert state(workspace).plan == "starter"


def test_checkout_completed_without_reaching_stripe_still_records_the_payment(send_event, stripe_api, workspace, state):
    """The subscription cannot be fetched (unknown to the API): the paid session makes it active."""
    session = fake.checkout_session("cs_x", "cus_x", "sub_unknown", workspace.id, metadata={"plan": "pro"})
    assert send_event(fake.event("checkout.session.completed", session)).status_code == 200
    account = state(workspace)
    assert (account.stripe_subscription_id, account.plan, account.status) == ("sub_unknown", "pro", "active")
