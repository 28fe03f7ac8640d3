"""The owner's reminder at the top of every page: trial days left, a failed payment."""

from __future__ import annotations

from flask import has_request_context, request
from flask_babel import gettext as _
from flask_babel import ngettext

from app import permissions
from app.billing import account as accounts
from app.models import Role, SubscriptionStatus


def billing_banner() -> dict | None:
    if not has_request_context():  # e-mails rendered in jobs
        return None
    if request.blueprint == "billing" or not permissions.has_role(Role.OWNER):
        return None
    account = accounts.account_for(permissions.current_workspace())
    status = accounts.effective_status(account)
    if status == SubscriptionStatus.PAST_DUE:
        return {"kind": "warning", "text": _("Your last payment failed. Update your card to keep everything running.")}
    if status == SubscriptionStatus.PAUSED and not account.stripe_subscription_id:
        return {"kind": "warning", "text": _("Your free trial has ended.")}
    days = accounts.trial_days_left(account)
    if days is None or account.stripe_subscription_id:
        return None
    text = ngettext("%(num)s day left in your free trial.", "%(num)s days left in your free trial.", days)
    return {"kind": "trial", "text": text}


def context() -> dict:
    return {"billing_banner": billing_banner()}
