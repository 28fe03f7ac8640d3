"""An owner on the billing page, in Chromium: trial, usage, off to Stripe Checkout and the portal."""

import itertools
import json

import pytest
from playwright.sync_api import expect

from tests.browser.test_accounts import sign_up
from tests.conftest import STRIPE_KEY, STRIPE_PRICES, STRIPE_WEBHOOK_SECRET
from tests.fakes import stripe_server as fake

_n = itertools.count(1)


@pytest.fixture(scope="module")
def _tls_pages(_stripe_server):
    server = fake.serve_pages_over_tls(_stripe_server)
    yield
    server.shutdown()
    _stripe_server.pages_url = ""


@pytest.fixture
def secure_page(browser, live_server):
    """A browser that accepts the fake Stripe pages' self-signed certificate."""
    context = browser.new_context(base_url=live_server.base_url, locale="en-US", ignore_https_errors=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def stripe_live(live_server, _stripe_server, _tls_pages):
    """The live server billing through the loopback Stripe; settings restored afterwards."""
    saved = {
        key: live_server.config.get(key)
        for key in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE", "STRIPE_PRICES")
    }
    _stripe_server.reset()
    live_server.config.update(
        STRIPE_SECRET_KEY=STRIPE_KEY,
        STRIPE_WEBHOOK_SECRET=STRIPE_WEBHOOK_SECRET,
        STRIPE_API_BASE=_stripe_server.api_base,
        STRIPE_PRICES=dict(STRIPE_PRICES),
    )
    yield _stripe_server
    live_server.config.update(saved)


def _stripe_says(page, event: dict) -> None:
    body = json.dumps(event)
    response = page.request.post(
        "/webhooks/stripe",
        data=body,
        headers={
            "Stripe-Signature": fake.sign(body.encode(), STRIPE_WEBHOOK_SECRET),
            "Content-Type": "application/json",
        },
    )
    assert response.status == 200


def test_owner_subscribes_through_checkout_and_manages_billing_in_the_portal(secure_page, stripe_live):
    page = secure_page
    sign_up(page, f"billing{next(_n)}@example.com", business="Café Luna")
    expect(page.get_by_text("14 days left in your free trial.")).to_be_visible()
    page.get_by_role("link", name="Billing").first.click()
    expect(page.get_by_role("heading", name="Billing")).to_be_visible()
    expect(page.get_by_text("Seats (members and pending invitations)")).to_be_visible()
    expect(page.get_by_text("1 of 10")).to_be_visible()
    page.get_by_role("button", name="Subscribe to Pro").click()
    expect(page.get_by_role("heading", name="Fake Stripe Checkout")).to_be_visible()
    assert page.url.startswith(f"{stripe_live.pages_url}/c/pay/cs_")
    params = [c[2] for c in stripe_live.calls if c[1] == "/v1/checkout/sessions"][-1]

    # Stripe confirms: the owner comes back to an active Pro plan.
    customer, sub_id, workspace_id = params["customer"], fake.new_id("sub"), int(params["client_reference_id"])
    subscription = fake.subscription(sub_id, customer, STRIPE_PRICES["pro"], "active")
    stripe_live.subscriptions[sub_id] = subscription
    _stripe_says(
        page, fake.event("checkout.session.completed", fake.checkout_session("cs_b", customer, sub_id, workspace_id))
    )
    page.goto(params["success_url"])
    expect(page.get_by_text("Thank you! Your subscription shows here")).to_be_visible()
    expect(page.locator("[data-status]")).to_have_text("Active")
    expect(page.get_by_text("1 of 20")).to_be_visible()
    expect(page.get_by_role("button", name="Subscribe to Starter")).to_have_count(0)
    page.get_by_role("button", name="Manage billing").click()
    expect(page.get_by_role("heading", name="Fake Stripe customer portal")).to_be_visible()


def test_billing_page_fits_a_phone(browser, live_server, stripe_live):
    context = browser.new_context(base_url=live_server.base_url, viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        sign_up(page, f"phone{next(_n)}@example.com", business="Tienda Sol")
        page.goto("/billing")
        page.locator("footer").get_by_label("Language").select_option("es")
        expect(page.get_by_role("heading", name="Facturación")).to_be_visible()
        expect(page.get_by_role("button", name="Suscribirse a Inicial")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()
