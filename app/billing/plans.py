"""The plans, defined once: their limits, and which Stripe price each one is (STRIPE_PRICES)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

TRIAL_DAYS = 14
# A past-due workspace keeps sending campaigns this long while Stripe retries the card.
PAST_DUE_GRACE = timedelta(days=7)


@dataclass(frozen=True)
class Plan:
    key: str
    name: str
    seats: int
    channels: int
    messages_per_month: int
    monthly_usd: int | None  # shown on the pricing page; Stripe's price is the one charged

    @property
    def limits(self) -> dict[str, int]:
        return {"seats": self.seats, "channels": self.channels, "messages_per_month": self.messages_per_month}


# The trial lets a business try everything: every channel type at once, a real campaign.
TRIAL = Plan("trial", _l("Trial"), seats=10, channels=10, messages_per_month=10_000, monthly_usd=None)
STARTER = Plan("starter", _l("Starter"), seats=5, channels=3, messages_per_month=5_000, monthly_usd=29)
PRO = Plan("pro", _l("Pro"), seats=20, channels=10, messages_per_month=50_000, monthly_usd=99)

PLANS = {plan.key: plan for plan in (TRIAL, STARTER, PRO)}
PAID_PLANS = (STARTER, PRO)


def get_plan(key: str | None) -> Plan:
    """The plan by key; an unknown key (a price removed from STRIPE_PRICES) counts as the trial's limits."""
    return PLANS.get(key or "", TRIAL)


def prices() -> dict[str, str]:
    """Plan key → Stripe price id, only for plans we define."""
    return {key: price for key, price in current_app.config.get("STRIPE_PRICES", {}).items() if key in PLANS}


def plan_for_price(price_id: str | None) -> str | None:
    return next((key for key, price in prices().items() if price == price_id), None)


def is_configured() -> bool:
    """Billing works only with a secret key and at least one price."""
    return bool(current_app.config.get("STRIPE_SECRET_KEY")) and bool(prices())
