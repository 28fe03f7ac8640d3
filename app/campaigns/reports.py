"""Campaign numbers: counts per state (the API's), the funnel, sends over time, failures, CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Campaign, CampaignRecipient, Contact, RecipientState

COUNT_KEYS = ("queued", "sent", "delivered", "read", "failed", "clicked", "skipped")


def counts(campaign_id: int) -> dict[str, int]:
    """CONTRACT §4 counts: each recipient in its current state (`sending` counts as queued);
    `clicked` counts recipients who clicked, whatever their delivery state."""
    rows = db.session.execute(
        sa.select(CampaignRecipient.state, sa.func.count())
        .where(CampaignRecipient.campaign_id == campaign_id)
        .group_by(CampaignRecipient.state)
    ).all()
    result = dict.fromkeys(COUNT_KEYS, 0)
    for state, number in rows:
        key = "queued" if state == RecipientState.SENDING else str(state)
        result[key] += number
    result["clicked"] = db.session.scalar(
        sa.select(sa.func.count()).where(
            CampaignRecipient.campaign_id == campaign_id, CampaignRecipient.clicked_at.is_not(None)
        )
    )
    return result


def funnel(c: dict[str, int]) -> list[tuple[str, int]]:
    """Recipients who reached at least each step."""
    sent = c["sent"] + c["delivered"] + c["read"]
    return [
        ("audience", sum(c[k] for k in ("queued", "sent", "delivered", "read", "failed", "skipped"))),
        ("sent", sent),
        ("delivered", c["delivered"] + c["read"]),
        ("read", c["read"]),
        ("clicked", c["clicked"]),
    ]


def over_time(campaign: Campaign, buckets: int = 30) -> list[dict]:
    """Sends and deliveries per time bucket since the start (server-rendered chart)."""
    if campaign.started_at is None:
        return []
    rows = db.session.execute(
        sa.select(CampaignRecipient.sent_at, CampaignRecipient.delivered_at).where(
            CampaignRecipient.campaign_id == campaign.id, CampaignRecipient.sent_at.is_not(None)
        )
    ).all()
    if not rows:
        return []
    start = campaign.started_at
    end = max(max(r[0] for r in rows), max((r[1] for r in rows if r[1]), default=start))
    width = max((end - start) / buckets, timedelta(seconds=1))
    series = [{"at": start + width * i, "sent": 0, "delivered": 0} for i in range(buckets)]
    for sent_at, delivered_at in rows:
        series[min(buckets - 1, max(0, int((sent_at - start) / width)))]["sent"] += 1
        if delivered_at:
            series[min(buckets - 1, max(0, int((delivered_at - start) / width)))]["delivered"] += 1
    return series


def failures(campaign_id: int, limit: int = 100) -> list[tuple[CampaignRecipient, str]]:
    return list(
        db.session.execute(
            sa.select(CampaignRecipient, Contact.name)
            .join(Contact, Contact.id == CampaignRecipient.contact_id)
            .where(CampaignRecipient.campaign_id == campaign_id, CampaignRecipient.state == RecipientState.FAILED)
            .order_by(CampaignRecipient.id)
            .limit(limit)
        ).all()
    )


def recipient_csv(campaign_id: int) -> Iterator[str]:
    def line(values) -> str:
        out = io.StringIO()
        csv.writer(out).writerow(values)
        return out.getvalue()

    yield "\ufeff" + line(
        ["contact_id", "name", "address", "state", "error", "sent_at", "delivered_at", "read_at", "clicked_at"]
    )
    query = (
        sa.select(CampaignRecipient, Contact.name)
        .join(Contact, Contact.id == CampaignRecipient.contact_id)
        .where(CampaignRecipient.campaign_id == campaign_id)
        .order_by(CampaignRecipient.id)
        .execution_options(yield_per=2000)
    )
    for r, name in db.session.execute(query):
        stamps = [
            t.isoformat(timespec="seconds") if t else "" for t in (r.sent_at, r.delivered_at, r.read_at, r.clicked_at)
        ]
        yield line(
            [
                r.contact_id,
                name,
                r.address,
                "queued" if r.state == RecipientState.SENDING else r.state,
                r.error or "",
                *stamps,
            ]
        )
