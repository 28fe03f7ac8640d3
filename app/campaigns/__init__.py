"""Campaigns: audience, personalisation, fan-out within each provider's rate, statuses and reports."""

from flask import Blueprint

bp = Blueprint("campaigns", __name__)
public_bp = Blueprint("campaign_public", __name__)

from app.campaigns import public, routes  # noqa: E402, F401
