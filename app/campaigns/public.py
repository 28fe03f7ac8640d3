"""Public campaign routes: /u/<token> unsubscribe (page and RFC 8058 one-click) and /c/<token> clicks."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import abort, redirect, render_template
from flask_babel import force_locale

from app.campaigns import links, public_bp
from app.extensions import csrf, db
from app.jobs import enqueue, is_inline
from app.models import Campaign, CampaignRecipient, Channel, ConsentStatus, Contact, Link, Workspace, utcnow
from app.privacy.consent import record_consent

log = logging.getLogger(__name__)
csrf.exempt(public_bp)  # mail clients POST one-click unsubscribes without a session (RFC 8058)


def _recipient(token: str) -> tuple[CampaignRecipient, Contact, Campaign]:
    recipient_id = links.read_unsubscribe(token)
    recipient = db.session.get(CampaignRecipient, recipient_id) if recipient_id else None
    if recipient is None:
        abort(404)
    return recipient, db.session.get(Contact, recipient.contact_id), db.session.get(Campaign, recipient.campaign_id)


@public_bp.get("/u/<token>")
def unsubscribe_page(token: str):
    recipient, contact, campaign = _recipient(token)
    with force_locale(contact.locale or "en"):
        return render_template(
            "campaigns/unsubscribe.html",
            token=token,
            done=False,
            workspace=db.session.get(Workspace, campaign.workspace_id),
        )


@public_bp.post("/u/<token>")
def unsubscribe(token: str):
    """One click from the mail client (body `List-Unsubscribe=One-Click`) or the page's button."""
    recipient, contact, campaign = _recipient(token)
    channel = db.session.get(Channel, recipient.channel_id)
    evidence = f"campaign {campaign.id}, recipient {recipient.id}, address {recipient.address}"
    record_consent(contact, channel.kind, ConsentStatus.WITHDRAWN, "unsubscribe_link", evidence)
    db.session.commit()
    with force_locale(contact.locale or "en"):
        return render_template(
            "campaigns/unsubscribe.html",
            token=token,
            done=True,
            workspace=db.session.get(Workspace, campaign.workspace_id),
        )


@public_bp.get("/c/<token>")
def click(token: str):
    found = links.read_click(token)
    link = db.session.get(Link, found[1]) if found else None
    if link is None:
        abort(404)
    from app.jobs.campaigns import record_click

    try:  # counting never delays or breaks the redirect
        enqueue(record_click, found[0], link.id, at=utcnow() + timedelta(milliseconds=5) if is_inline() else None)
    except Exception:
        log.warning("click on link %s not counted: jobs unavailable", link.id)
    return redirect(link.url, 302)
