"""A test send: the campaign rendered for the member themself, sent to their own address or number."""

from __future__ import annotations

from app.campaigns import fanout
from app.campaigns.fanout import Batch
from app.extensions import db
from app.models import Campaign, CampaignRecipient, Channel, Contact, User


def send_test(campaign_id: int, to: str, user_id: int) -> str:
    """Render as if for a contact named like the member, with no tracking row; returns the provider id."""
    campaign = db.session.get(Campaign, campaign_id)
    channel = db.session.get(Channel, campaign.channel_id)
    user = db.session.get(User, user_id)
    contact = Contact(
        workspace_id=campaign.workspace_id, name=user.name, email=user.email, locale=user.locale, custom_fields={}
    )
    recipient = CampaignRecipient(id=0, campaign_id=campaign.id, contact_id=0, channel_id=channel.id, address=to)
    batch = Batch(campaign, channel, "test", None, fanout.limiter())
    message = fanout.build_message(batch, recipient, contact)
    if message.subject is not None:
        message.subject = f"[TEST] {message.subject}"
    result = batch.adapter.send(message)
    db.session.rollback()  # nothing of the pretend contact is kept
    return result.provider_message_id
