"""Pure billing-state rules: trial days, our trial running out, invoice shapes across API versions."""

from datetime import datetime, timedelta

from app.billing import account as accounts
from app.models import BillingAccount

NOW = datetime(2026, 5, 10, 12, 0)


def _trial(ends_at, subscription=None, status="trialing"):
    return BillingAccount(status=status, trial_ends_at=ends_at, stripe_subscription_id=subscription)


def test_a_part_day_of_trial_counts_as_a_day():
    assert accounts.trial_days_left(_trial(NOW + timedelta(days=13, hours=1)), NOW) == 14
    assert accounts.trial_days_left(_trial(NOW + timedelta(days=14)), NOW) == 14
    assert accounts.trial_days_left(_trial(NOW + timedelta(minutes=5)), NOW) == 1


def test_our_trial_running_out_reads_as_paused_but_stripes_trial_is_stripes_word():
    assert accounts.effective_status(_trial(NOW - timedelta(seconds=1)), NOW) == "paused"
    assert accounts.trial_days_left(_trial(NOW - timedelta(seconds=1)), NOW) is None
    # A Stripe subscription in trial keeps whatever status Stripe last sent.
    assert accounts.effective_status(_trial(NOW - timedelta(days=1), "sub_1"), NOW) == "trialing"
    assert accounts.effective_status(_trial(None, "sub_1", "active"), NOW) == "active"


def test_invoice_subscription_is_found_in_current_and_older_api_shapes():
    current = {"parent": {"type": "subscription_details", "subscription_details": {"subscription": "sub_new"}}}
    older = {"subscription": "sub_old", "parent": None}
    expanded = {"subscription": {"id": "sub_obj", "object": "subscription"}}
    assert accounts.subscription_of(current) == "sub_new"
    assert accounts.subscription_of(older) == "sub_old"
    assert accounts.subscription_of(expanded) == "sub_obj"
    assert accounts.subscription_of({"parent": None}) is None


def test_only_a_live_stripe_subscription_counts_as_live():
    assert not accounts.has_live_subscription(_trial(NOW))
    assert accounts.has_live_subscription(_trial(NOW, "sub_1", "past_due"))
    assert not accounts.has_live_subscription(_trial(NOW, "sub_1", "canceled"))
    assert not accounts.has_live_subscription(_trial(NOW, "sub_1", "incomplete_expired"))
