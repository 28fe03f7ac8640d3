"""The billing page, Checkout and the customer portal, against the loopback Stripe API."""

import sqlalchemy as sa

from app.models import BillingAccount, Role
from tests.factories import make_member


def test_only_owners_see_the_billing_page(client, login_as, workspace, owner, stripe_api):
    login_as(make_member(workspace, Role.ADMIN), workspace)
    assert client.get("/billing").status_code == 403
    assert client.post("/billing/checkout/starter").status_code == 403
    login_as(owner, workspace)
    page = client.get("/billing")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "14 days left in your free trial." in text
    assert "Subscribe to Starter" in text and "Subscribe to Pro" in text


def test_billing_page_says_when_billing_is_not_configured(app, client, login_as, workspace, owner):
    app.config.update(STRIPE_SECRET_KEY=None, STRIPE_PRICES={})
    login_as(owner, workspace)
    text = client.get("/billing").get_data(as_text=True)
    assert "Billing is not configured on this installation." in text
    assert "Subscribe to" not in text
    response = client.post("/billing/checkout/starter", follow_redirects=True)
    assert "Billing is not configured on this installation." in response.get_data(as_text=True)


def test_subscribe_redirects_to_checkout_with_the_workspace_as_client_reference(
    client, login_as, workspace, owner, stripe_api, db
):
    login_as(owner, workspace)
    response = client.post("/billing/checkout/pro")
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"{stripe_api.base_url}/c/pay/cs_")
    (customer_call,) = [c for c in stripe_api.calls if c[1] == "/v1/customers"]
    assert customer_call[2]["email"] == owner.email and customer_call[2]["metadata[workspace_id]"] == str(workspace.id)
    (session_call,) = [c for c in stripe_api.calls if c[1] == "/v1/checkout/sessions"]
    params = session_call[2]
    assert params["mode"] == "subscription"
    assert params["client_reference_id"] == str(workspace.id)
    assert params["line_items[0][price]"] == "price_pro_test"
    assert params["customer"].startswith("cus_")
    assert params["success_url"].endswith("/billing?checkout=success")
    # Most of our 14-day trial is left, so it carries over into the Stripe subscription.
    assert int(params["subscription_data[trial_end]"]) > 0
    account = db.session.scalar(sa.select(BillingAccount).where(BillingAccount.workspace_id == workspace.id))
    assert account.stripe_customer_id == params["customer"]


def test_the_stripe_customer_is_created_once_and_reused(client, login_as, workspace, owner, stripe_api):
    login_as(owner, workspace)
    client.post("/billing/checkout/starter")
    client.post("/billing/checkout/pro")
    sessions = [c[2] for c in stripe_api.calls if c[1] == "/v1/checkout/sessions"]
    assert len([c for c in stripe_api.calls if c[1] == "/v1/customers"]) == 1
    assert len(sessions) == 2 and sessions[0]["customer"] == sessions[1]["customer"]


def test_unknown_plan_is_refused(client, login_as, workspace, owner, stripe_api):
    login_as(owner, workspace)
    response = client.post("/billing/checkout/platinum", follow_redirects=True)
    assert "That plan is not available." in response.get_data(as_text=True)
    assert client.post("/billing/checkout/trial", follow_redirects=True).status_code == 200
    assert not [c for c in stripe_api.calls if c[1] == "/v1/checkout/sessions"]


def test_stripe_being_down_is_explained_and_nothing_is_kept(client, login_as, workspace, owner, stripe_api, db):
    login_as(owner, workspace)
    stripe_api.fail_next(400)
    response = client.post("/billing/checkout/starter", follow_redirects=True)
    assert "reach our payment provider" in response.get_data(as_text=True)
    count = db.session.scalar(sa.select(sa.func.count(BillingAccount.id)))
    assert count == 0


def test_manage_billing_opens_the_customer_portal(client, login_as, workspace, owner, stripe_api):
    login_as(owner, workspace)
    no_customer = client.post("/billing/portal", follow_redirects=True)
    assert "Subscribe to a plan first" in no_customer.get_data(as_text=True)
    client.post("/billing/checkout/starter")
    assert "Manage billing" in client.get("/billing").get_data(as_text=True)
    response = client.post("/billing/portal")
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"{stripe_api.base_url}/p/session/bps_")
    (call,) = [c for c in stripe_api.calls if c[1] == "/v1/billing_portal/sessions"]
    assert call[2]["customer"].startswith("cus_") and call[2]["return_url"].endswith("/billing")


def test_pricing_page_is_public_and_lists_every_plan(client):
    text = client.get("/pricing").get_data(as_text=True)
    for name in ("Trial", "Starter", "Pro"):
        assert name in text
    assert "5,000 messages a month" in text and "Start your free trial" in text


def test_owner_sees_trial_days_left_on_every_page(client, login_as, workspace, owner):
    login_as(owner, workspace)
    assert "14 days left in your free trial." in client.get("/dashboard").get_data(as_text=True)
    login_as(make_member(workspace, Role.AGENT), workspace)
    assert "left in your free trial" not in client.get("/dashboard").get_data(as_text=True)


def test_billing_pages_need_a_sign_in_and_the_webhook_does_not(client):
    for url in ("/billing",):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/billing/portal").status_code == 302
    assert client.post("/webhooks/stripe", data=b"{}").status_code == 400


def test_upgrade_link_outside_a_request_uses_base_url(app, workspace):
    from app.billing.limits import billing_url

    assert billing_url() == "http://localhost/billing"
