"""Billing: plans and limits, Stripe Checkout and portal, and Stripe's webhooks."""

from flask import Blueprint

bp = Blueprint("billing", __name__)

from app.billing import banner, routes  # noqa: E402, F401

bp.app_context_processor(banner.context)
