"""Billing pages (owners), the public pricing page and Stripe's webhook."""

from __future__ import annotations

import logging

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import permissions
from app.auth.forms import ConfirmForm
from app.billing import account as accounts
from app.billing import bp, checkout, events, limits, plans, stripe_gateway
from app.extensions import csrf, db
from app.models import Role

log = logging.getLogger(__name__)


@bp.get("/pricing")
def pricing():
    return render_template("billing/pricing.html", plans=plans.PLANS.values(), trial_days=plans.TRIAL_DAYS)


@bp.get("/billing")
@login_required
@permissions.role_required(Role.OWNER)
def index():
    workspace = permissions.current_workspace()
    account = accounts.account_for(workspace)
    return render_template(
        "billing/index.html",
        account=account,
        status=accounts.effective_status(account),
        plan=plans.get_plan(account.plan),
        paid_plans=[plan for plan in plans.PAID_PLANS if plan.key in plans.prices()],
        configured=plans.is_configured(),
        live=accounts.has_live_subscription(account),
        trial_days_left=accounts.trial_days_left(account),
        usage=limits.usage(workspace),
        form=ConfirmForm(),
        returned=request.args.get("checkout"),
    )


def _back(outcome: str | None = None) -> str:
    return url_for("billing.index", checkout=outcome, _external=True)


@bp.post("/billing/checkout/<plan_key>")
@login_required
@permissions.role_required(Role.OWNER)
def subscribe(plan_key: str):
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("billing.index"))
    workspace = permissions.current_workspace()
    try:
        url = checkout.start_checkout(
            workspace,
            plan_key,
            current_user,
            success_url=_back("success"),
            cancel_url=_back("canceled"),
            locale=str(get_locale() or "auto"),
        )
    except checkout.BillingError as refused:
        flash(refused.reason, "error")
        return redirect(url_for("billing.index"))
    except stripe_gateway.GatewayError as error:
        return _stripe_unreachable(error)
    db.session.commit()  # the Stripe customer id, kept for next time
    return redirect(url, code=303)


@bp.post("/billing/portal")
@login_required
@permissions.role_required(Role.OWNER)
def portal():
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("billing.index"))
    try:
        url = checkout.open_portal(permissions.current_workspace(), return_url=_back())
    except checkout.BillingError as refused:
        flash(refused.reason, "error")
        return redirect(url_for("billing.index"))
    except stripe_gateway.GatewayError as error:
        return _stripe_unreachable(error)
    return redirect(url, code=303)


def _stripe_unreachable(error: stripe_gateway.GatewayError):
    db.session.rollback()
    log.warning("stripe: request failed for workspace %s: %s", permissions.current_workspace().id, error.reason)
    flash(_("We couldn't reach our payment provider. Nothing was charged; please try again in a moment."), "error")
    return redirect(url_for("billing.index"))


@bp.post("/webhooks/stripe")
@csrf.exempt
def stripe_webhook():
    """Verified, stored once by event id, then applied; a failure answers 500 so Stripe retries."""
    try:
        event = stripe_gateway.verified_event(request.get_data(), request.headers.get("Stripe-Signature"))
    except stripe_gateway.SignatureError as error:
        log.warning("stripe: webhook refused from %s: %s", request.remote_addr, error)
        return jsonify(error="Invalid Stripe signature"), 400
    if not isinstance(event, dict) or not event.get("id"):
        return jsonify(error="Not a Stripe event"), 400
    row = events.store(event)
    db.session.commit()
    if events.is_done(row):
        return jsonify(received=True, duplicate=True)
    try:
        events.apply(row)
        db.session.commit()
    except Exception as error:  # kept, not lost: Stripe redelivers and we apply it again
        db.session.rollback()
        events.mark_failed(row, error)
        db.session.commit()
        current_app.logger.exception("stripe: event %s failed", row.stripe_id)
        return jsonify(error="The event could not be processed"), 500
    return jsonify(received=True)
