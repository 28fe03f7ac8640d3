"""Campaign results per campaign and per channel: counts of recipients by outcome, never who."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Campaign, CampaignRecipient, Channel, ConsentEvent, ConsentStatus, RecipientState
from app.reports.period import ReportRange

# A withdrawal of consent within this long after a campaign reached someone counts as its opt-out.
OPT_OUT_WINDOW = timedelta(days=7)
OUTCOMES = ("recipients", "sent", "delivered", "read", "clicked", "failed", "skipped", "opt_outs")


def _count(condition):
    return sa.func.count(sa.case((condition, 1)))


def campaign_results(workspace_id: int, rng: ReportRange) -> list[dict]:
    """Campaigns started in the range (local days), oldest first, with their recipients' outcomes."""
    start, end = rng.utc_bounds()
    r = CampaignRecipient
    sent = sa.or_(
        r.sent_at.is_not(None), r.state.in_((RecipientState.SENT, RecipientState.DELIVERED, RecipientState.READ))
    )
    delivered = sa.or_(r.delivered_at.is_not(None), r.state.in_((RecipientState.DELIVERED, RecipientState.READ)))
    read = sa.or_(r.read_at.is_not(None), r.state == RecipientState.READ)
    rows = db.session.execute(
        sa.select(
            Campaign.id,
            Campaign.name,
            Campaign.started_at,
            Channel.name,
            Channel.kind,
            sa.func.count(r.id),
            _count(sent),
            _count(delivered),
            _count(read),
            _count(r.clicked_at.is_not(None)),
            _count(r.state == RecipientState.FAILED),
            _count(r.state == RecipientState.SKIPPED),
        )
        .join(Channel, Channel.id == Campaign.channel_id)
        .outerjoin(r, r.campaign_id == Campaign.id)
        .where(Campaign.workspace_id == workspace_id, Campaign.started_at >= start, Campaign.started_at < end)
        .group_by(Campaign.id, Campaign.name, Campaign.started_at, Channel.name, Channel.kind)
        .order_by(Campaign.started_at, Campaign.id)
    )
    results = []
    for campaign_id, name, started_at, channel, kind, *counts in rows:
        result = {"id": campaign_id, "name": name, "started_at": started_at, "channel": channel, "kind": str(kind)}
        result.update(zip(OUTCOMES[:-1], (int(c) for c in counts), strict=True))
        results.append(result)
    opt_outs = _opt_outs([c["id"] for c in results])
    for result in results:
        result["opt_outs"] = opt_outs.get(result["id"], 0)
    return results


def _opt_outs(campaign_ids: list[int]) -> dict[int, int]:
    """Recipients who withdrew consent on the campaign's channel within the window after it reached them."""
    if not campaign_ids:
        return {}
    r = CampaignRecipient
    rows = db.session.execute(
        sa.select(r.campaign_id, r.id, r.sent_at, ConsentEvent.created_at)
        .join(Campaign, Campaign.id == r.campaign_id)
        .join(Channel, Channel.id == Campaign.channel_id)
        .join(
            ConsentEvent,
            sa.and_(
                ConsentEvent.contact_id == r.contact_id,
                ConsentEvent.channel == Channel.kind,
                ConsentEvent.status == ConsentStatus.WITHDRAWN,
                ConsentEvent.created_at >= r.sent_at,
            ),
        )
        .where(r.campaign_id.in_(campaign_ids), r.sent_at.is_not(None))
    )
    # The window is checked here: interval arithmetic differs between PostgreSQL and SQLite.
    counted = {(c, recipient) for c, recipient, sent_at, at in rows if at < sent_at + OPT_OUT_WINDOW}
    totals: dict[int, int] = {}
    for campaign_id, _ in counted:
        totals[campaign_id] = totals.get(campaign_id, 0) + 1
    return totals
