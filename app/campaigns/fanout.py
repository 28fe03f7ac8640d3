"""Fan-out: materialise the audience, then send in claimed batches, paced per channel, at most once.

A batch is claimed with a conditional UPDATE (queued → sending, with a claim token) and committed
before any provider call. Around each call the worker notes in a Redis journal that it is about
to send and what the provider answered; results reach the database once per batch. If a worker
dies, `sweep_stale` reads the journal: rows never attempted go back to the queue, rows with an
answer get it, and rows whose fate is unknown are failed as such, never sent twice.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.campaigns import audience, links, personalize
from app.campaigns.limiter import Limiter
from app.campaigns.statuses import suppress
from app.channels.adapters.base import OutboundMessage, PermanentError, TransientError
from app.channels.adapters.registry import get_adapter
from app.extensions import db
from app.models import (
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    Channel,
    ChannelKind,
    Contact,
    RecipientState,
    utcnow,
)

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
JOURNAL_TTL = 24 * 3600
UNKNOWN = "interrupted during the provider call: delivery unknown, not resent"


def journal_redis():
    from app.jobs import is_inline, redis_connection

    return None if is_inline() else redis_connection()


def materialize(campaign_id: int) -> int:
    """Insert the campaign's recipient rows chunk by chunk (skipping rows already there). Commits per chunk."""
    campaign = db.session.get(Campaign, campaign_id)
    channel = db.session.get(Channel, campaign.channel_id)
    inserted = 0
    for rows in audience.recipient_rows(campaign, channel):
        have = set(
            db.session.scalars(
                sa.select(CampaignRecipient.contact_id).where(
                    CampaignRecipient.campaign_id == campaign.id,
                    CampaignRecipient.contact_id.in_([r["contact_id"] for r in rows]),
                )
            )
        )
        fresh = [r for r in rows if r["contact_id"] not in have]
        if fresh:
            db.session.execute(sa.insert(CampaignRecipient), fresh)
        inserted += len(fresh)
        db.session.commit()
    links.links_for(campaign.id, [campaign.body, *((campaign.template or {}).get("variables") or [])])
    campaign.audience_ready = True
    db.session.commit()
    return inserted


def batch_size(channel: Channel) -> int:
    """About two seconds of sending, so a slow channel never holds a worker for long."""
    rate = channel.rate_per_second
    return 100 if rate <= 0 else max(1, min(100, int(rate * 2)))


def claim(campaign_id: int, size: int, redis) -> tuple[str, list[int]]:
    """queued → sending for up to `size` rows; the journal exists before the claim is committed."""
    token = secrets.token_hex(10)
    if redis is not None:
        redis.hset(f"conversa:claim:{token}", "open", "1")
        redis.expire(f"conversa:claim:{token}", JOURNAL_TTL)
    candidates = (
        sa.select(CampaignRecipient.id)
        .where(CampaignRecipient.campaign_id == campaign_id, CampaignRecipient.state == RecipientState.QUEUED)
        .order_by(CampaignRecipient.id)
        .limit(size)
    )
    if db.engine.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(candidates))
    if ids:
        db.session.execute(
            sa.update(CampaignRecipient)
            .where(CampaignRecipient.id.in_(ids), CampaignRecipient.state == RecipientState.QUEUED)
            .values(
                state=RecipientState.SENDING,
                claim_token=token,
                claimed_at=utcnow(),
                attempts=CampaignRecipient.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    claimed = list(db.session.scalars(sa.select(CampaignRecipient.id).where(CampaignRecipient.claim_token == token)))
    return token, claimed


@dataclass
class Outcome:
    state: RecipientState
    provider_message_id: str | None = None
    error: str | None = None


@dataclass
class Batch:
    """Everything one batch needs, built once: the campaign, its adapter and compiled templates."""

    campaign: Campaign
    channel: Channel
    token: str
    redis: object
    limiter: Limiter
    results: dict[int, Outcome] = field(default_factory=dict)

    def __post_init__(self):
        self.adapter = get_adapter(self.channel)
        self.body = personalize.Renderer(self.campaign.body)
        self.subject = personalize.Renderer(self.campaign.subject)
        template = self.campaign.template or {}
        self.variables = [personalize.Renderer(v) for v in template.get("variables") or []]
        self.links = links.links_for(self.campaign.id, [self.campaign.body])
        self.key = f"conversa:claim:{self.token}"
        self._answer: dict[str, str] = {}

    def note_attempt(self, recipient_id: int) -> None:
        """Journal "about to send" together with the previous answer: one Redis round trip per message."""
        if self.redis is None:
            return
        fields = {f"a:{recipient_id}": "1", **self._answer}
        self.redis.hset(self.key, mapping=fields)
        self._answer = {}

    def note_answer(self, recipient_id: int, outcome: Outcome) -> None:
        self._answer = {
            f"r:{recipient_id}": json.dumps([outcome.state.value, outcome.provider_message_id, outcome.error])
        }

    def flush_answers(self) -> None:
        if self.redis is not None and self._answer:
            self.redis.hset(self.key, mapping=self._answer)
        self._answer = {}


def send_batch(campaign_id: int) -> float | None:
    """Claim and send one batch. Returns None when this chain should stop, else the delay in
    seconds before the next batch (longer after transient provider errors)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status != CampaignStatus.RUNNING:
        return None
    channel = db.session.get(Channel, campaign.channel_id)
    redis = journal_redis()
    token, ids = claim(campaign.id, batch_size(channel), redis)
    if not ids:
        finish_if_done(campaign)
        db.session.commit()
        if campaign.audience_ready:
            return None
        time.sleep(0.5)  # the audience is still arriving: look again soon, without the scheduler's delay
        return 0.0
    batch = Batch(campaign, channel, token, redis, limiter())
    recipients = db.session.scalars(
        sa.select(CampaignRecipient).where(CampaignRecipient.id.in_(ids)).order_by(CampaignRecipient.id)
    ).all()
    contacts = {
        c.id: c
        for c in db.session.scalars(sa.select(Contact).where(Contact.id.in_([r.contact_id for r in recipients])))
    }
    for recipient in recipients:
        _send_one(batch, recipient, contacts[recipient.contact_id])
    batch.flush_answers()
    apply_outcomes(batch.results)
    if redis is not None:
        redis.delete(batch.key)
    campaign = db.session.get(Campaign, campaign_id)
    finish_if_done(campaign)
    db.session.commit()
    if campaign.status != CampaignStatus.RUNNING:
        return None
    retried = sum(1 for o in batch.results.values() if o.state == RecipientState.QUEUED)
    return 10.0 if retried else 0.0


def _send_one(batch: Batch, recipient: CampaignRecipient, contact: Contact) -> None:
    try:
        message = build_message(batch, recipient, contact)
    except personalize.TemplateError as error:
        batch.results[recipient.id] = Outcome(RecipientState.FAILED, error=f"template: {error}")
        return
    batch.limiter.acquire(batch.channel.id, batch.channel.rate_per_second)
    batch.note_attempt(recipient.id)
    try:
        result = batch.adapter.send(message)
    except PermanentError as error:
        outcome = Outcome(RecipientState.FAILED, error=str(error)[:500])
        if batch.channel.kind == ChannelKind.EMAIL:
            suppress(batch.campaign.workspace_id, recipient.address, str(error), batch.campaign.id)
    except TransientError as error:
        batch.limiter.slow_down(batch.channel.id)
        again = recipient.attempts < MAX_ATTEMPTS
        outcome = Outcome(RecipientState.QUEUED if again else RecipientState.FAILED, error=str(error)[:500])
    else:
        outcome = Outcome(RecipientState.SENT, provider_message_id=result.provider_message_id)
    batch.results[recipient.id] = outcome
    batch.note_answer(recipient.id, outcome)


def build_message(batch: Batch, recipient: CampaignRecipient, contact: Contact) -> OutboundMessage:
    """The personalised message for one recipient: text, WhatsApp template, or e-mail parts and headers."""
    if batch.channel.kind == ChannelKind.WHATSAPP and batch.campaign.template:
        template = batch.campaign.template
        parameters = [{"type": "text", "text": v.render(contact)} for v in batch.variables]
        components = [{"type": "body", "parameters": parameters}] if parameters else []
        payload = {
            "name": template["name"],
            "language": {"code": template.get("language") or "en"},
            "components": components,
        }
        return OutboundMessage(to=recipient.address, template=payload)
    body = batch.body.render(contact)
    if batch.channel.kind != ChannelKind.EMAIL:
        return OutboundMessage(to=recipient.address, text=links.rewrite_text(body, recipient.id, batch.links))
    return email_message(batch, recipient, contact, body)


def email_message(batch: Batch, recipient: CampaignRecipient, contact: Contact, body: str) -> OutboundMessage:
    from flask_babel import force_locale

    footer = current_app.jinja_env.get_template  # no request here: plain Jinja, no context processors

    text, html = links.email_parts(body, recipient.id, batch.links)
    unsubscribe = f"{links.base_url()}/u/{links.unsubscribe_token(recipient.id)}"
    with force_locale(contact.locale or "en"):
        text = text + "\n\n" + footer("campaigns/email_footer.txt").render(url=unsubscribe)
        html = html + footer("campaigns/email_footer.html").render(url=unsubscribe)
    headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return OutboundMessage(
        to=recipient.address, text=text, html=html, subject=batch.subject.render(contact), headers=headers
    )


def apply_outcomes(results: dict[int, Outcome]) -> None:
    """Write a batch's outcomes; only rows still `sending` change (a sweeper may have judged them)."""
    now = utcnow()
    for recipient_id, outcome in results.items():
        values = {"state": outcome.state, "error": outcome.error, "claim_token": None}
        if outcome.state == RecipientState.SENT:
            values |= {"provider_message_id": outcome.provider_message_id, "sent_at": now}
        elif outcome.state == RecipientState.FAILED:
            values["failed_at"] = now
        db.session.execute(
            sa.update(CampaignRecipient)
            .where(CampaignRecipient.id == recipient_id, CampaignRecipient.state == RecipientState.SENDING)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def finish_if_done(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.RUNNING or not campaign.audience_ready:
        return
    open_rows = db.session.scalar(
        sa.select(sa.func.count(CampaignRecipient.id)).where(
            CampaignRecipient.campaign_id == campaign.id,
            CampaignRecipient.state.in_([RecipientState.QUEUED, RecipientState.SENDING]),
        )
    )
    if not open_rows:
        campaign.status, campaign.finished_at = CampaignStatus.COMPLETED, utcnow()


def sweep_stale(older_than: timedelta = timedelta(minutes=5)) -> dict[str, int]:
    """Decide `sending` rows whose worker is gone, from its journal; never resend without knowing."""
    redis = journal_redis()
    cutoff = utcnow() - older_than
    stale = db.session.execute(
        sa.select(CampaignRecipient.id, CampaignRecipient.claim_token).where(
            CampaignRecipient.state == RecipientState.SENDING, CampaignRecipient.claimed_at < cutoff
        )
    ).all()
    decided = {"requeued": 0, "recovered": 0, "unknown": 0}
    outcomes: dict[int, Outcome] = {}
    requeue: list[int] = []
    for recipient_id, token in stale:
        journal = redis.hgetall(f"conversa:claim:{token}") if redis is not None and token else {}
        journal = {k.decode(): v.decode() for k, v in journal.items()}
        if not journal:
            outcomes[recipient_id] = Outcome(RecipientState.FAILED, error=UNKNOWN)  # journal lost: cannot know
            decided["unknown"] += 1
        elif f"r:{recipient_id}" in journal:
            state, provider_id, error = json.loads(journal[f"r:{recipient_id}"])
            outcomes[recipient_id] = Outcome(RecipientState(state), provider_id, error)
            decided["recovered"] += 1
        elif f"a:{recipient_id}" in journal:
            outcomes[recipient_id] = Outcome(RecipientState.FAILED, error=UNKNOWN)
            decided["unknown"] += 1
        else:
            requeue.append(recipient_id)
            decided["requeued"] += 1
    apply_outcomes(outcomes)
    if requeue:
        db.session.execute(
            sa.update(CampaignRecipient)
            .where(CampaignRecipient.id.in_(requeue), CampaignRecipient.state == RecipientState.SENDING)
            .values(state=RecipientState.QUEUED, claim_token=None)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return decided


_limiter: Limiter | None = None


def limiter() -> Limiter:
    global _limiter
    redis = journal_redis()
    if _limiter is None or _limiter.redis is not redis:
        _limiter = Limiter(redis)
    return _limiter


def parallel_chains(channel: Channel) -> int:
    """How many batch jobs work one campaign at once: enough to keep up with the channel's rate."""
    configured = current_app.config.get("CAMPAIGN_PARALLEL_BATCHES", 8)
    if channel.rate_per_second <= 0:
        return configured
    return max(1, min(configured, int(channel.rate_per_second // 25) + 1))
