"""Campaign jobs: materialise the audience, send batches in chains, scheduled starts, sweeping, clicks."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa

from app import audit
from app.campaigns import fanout, lifecycle, test_send
from app.extensions import db
from app.jobs import enqueue, is_inline, job
from app.models import Campaign, CampaignRecipient, CampaignStatus, Channel, Link, utcnow

log = logging.getLogger(__name__)


@job("campaigns", timeout=1800)
def materialize_audience(campaign_id: int) -> None:
    """Insert the recipient rows (idempotent), then start the sending chains."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status not in (CampaignStatus.RUNNING, CampaignStatus.PAUSED):
        return
    if not is_inline():  # sending starts with the first chunk; chains wait while the audience arrives
        start_chains(campaign)
    fanout.materialize(campaign_id)
    campaign = db.session.get(Campaign, campaign_id)
    fanout.finish_if_done(campaign)
    db.session.commit()
    if is_inline() and campaign.status == CampaignStatus.RUNNING:
        start_chains(campaign)


def start_chains(campaign: Campaign) -> None:
    channel = db.session.get(Channel, campaign.channel_id)
    for _chain in range(1 if is_inline() else fanout.parallel_chains(channel)):
        enqueue(send_campaign_batch, campaign.id)


@job("campaigns", timeout=600)
def send_campaign_batch(campaign_id: int) -> None:
    """One batch, then the next link of the chain (a loop in inline mode, where nothing queues)."""
    while True:
        delay = fanout.send_batch(campaign_id)
        if delay is None:
            return
        if not is_inline():
            enqueue(send_campaign_batch, campaign_id, at=utcnow() + timedelta(seconds=delay) if delay else None)
            return


@job("campaigns", timeout=120)
def start_scheduled_campaign(campaign_id: int) -> None:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status != CampaignStatus.SCHEDULED or campaign.scheduled_at > utcnow():
        return
    try:
        lifecycle.start(campaign)
    except lifecycle.CampaignError as refused:
        # Back to draft with the reason in the audit log, rather than retried every minute.
        campaign.status, campaign.scheduled_at = CampaignStatus.DRAFT, None
        audit.record(
            "campaign.start_refused",
            workspace_id=campaign.workspace_id,
            target=f"campaign:{campaign.id}",
            reason=refused.reason,
        )
        db.session.commit()
        return
    db.session.commit()
    enqueue(materialize_audience, campaign.id)


@job("maintenance", timeout=300)
def start_due_campaigns() -> int:
    """Every minute: scheduled campaigns whose time has come (if their delayed job was lost)."""
    due = lifecycle.due_campaigns()
    for campaign_id in due:
        enqueue(start_scheduled_campaign, campaign_id)
    return len(due)


@job("maintenance", timeout=300)
def sweep_campaigns() -> dict:
    """Decide stale `sending` rows from their journals, and restart chains that Redis lost."""
    decided = fanout.sweep_stale()
    quiet_since = utcnow() - timedelta(minutes=2)
    running = db.session.scalars(sa.select(Campaign).where(Campaign.status == CampaignStatus.RUNNING)).all()
    for campaign in running:
        if not campaign.audience_ready:
            if campaign.started_at and campaign.started_at < quiet_since:
                enqueue(materialize_audience, campaign.id)
            continue
        last_claim = db.session.scalar(
            sa.select(sa.func.max(CampaignRecipient.claimed_at)).where(CampaignRecipient.campaign_id == campaign.id)
        )
        if last_claim is None or last_claim < quiet_since:
            enqueue(send_campaign_batch, campaign.id)
    return decided


@job("default", timeout=60)
def send_campaign_test(campaign_id: int, to: str, user_id: int) -> None:
    """The campaign as one recipient would get it, to the member's own address or number."""
    test_send.send_test(campaign_id, to, user_id)


@job("default", timeout=30)
def record_click(recipient_id: int, link_id: int) -> None:
    """Count a click (first click per recipient sets clicked_at; every click counts on the link)."""
    db.session.execute(
        sa.update(CampaignRecipient)
        .where(CampaignRecipient.id == recipient_id, CampaignRecipient.clicked_at.is_(None))
        .values(clicked_at=utcnow())
    )
    db.session.execute(sa.update(Link).where(Link.id == link_id).values(clicks=Link.clicks + 1))
    db.session.commit()
