"""Draining stored webhook events in batches, and the sweeper that recovers what Redis lost."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from redis.exceptions import RedisError

from app.extensions import db
from app.jobs import enqueue, is_inline, job, redis_connection
from app.models import WebhookEvent, WebhookStatus, utcnow
from app.webhooks import ingest
from app.webhooks.threads import Cache

log = logging.getLogger(__name__)

BATCH_SIZE = 200
LEASE = timedelta(minutes=5)  # a claim older than this belongs to a dead worker
MAX_ATTEMPTS = 5
KICK_KEY = "conversa:ingest:kicked"


def kick() -> None:
    """Make sure one drain job is on its way; called after a webhook commits its event.

    The Redis flag keeps a burst of webhooks from enqueueing one job each. Redis being
    down is logged, never raised: the event is stored and the sweeper will find it.
    """
    if is_inline():
        enqueue(drain_webhook_events)
        return
    try:
        if redis_connection().set(KICK_KEY, "1", nx=True, ex=60):
            enqueue(drain_webhook_events)
    except (RedisError, OSError) as error:
        log.warning(
            "could not enqueue webhook processing (%s); the sweeper will pick the event up", type(error).__name__
        )


def claim_batch(limit: int = BATCH_SIZE) -> list[int]:
    """Lease up to `limit` pending events, oldest first; SKIP LOCKED lets workers share the queue."""
    now = utcnow()
    candidates = (
        sa.select(WebhookEvent.id)
        .where(
            WebhookEvent.status == WebhookStatus.PENDING,
            sa.or_(WebhookEvent.locked_until.is_(None), WebhookEvent.locked_until < now),
        )
        .order_by(WebhookEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = db.session.scalars(
        sa.update(WebhookEvent)
        .where(WebhookEvent.id.in_(candidates.scalar_subquery()))
        .values(locked_until=now + LEASE, attempts=WebhookEvent.attempts + 1)
        .returning(WebhookEvent.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(claimed)


def _finish(event: WebhookEvent, outcome: ingest.Outcome) -> None:
    event.locked_until = None
    event.processed_at = utcnow()
    if outcome.unknown is not None and outcome.routed == 0:
        event.status, event.route_id = WebhookStatus.UNROUTED, str(outcome.unknown)[:255]
    else:
        event.status = WebhookStatus.PROCESSED
        event.route_id = str(outcome.unknown)[:255] if outcome.unknown else None


def _fail(event: WebhookEvent, error: Exception, malformed: bool) -> None:
    """Malformed payloads fail for good; anything else waits and is tried again by a later batch."""
    event.last_error = f"{type(error).__name__}: {error}"[:500]
    if malformed or event.attempts >= MAX_ATTEMPTS:
        event.status, event.locked_until, event.processed_at = WebhookStatus.FAILED, None, utcnow()
    else:
        event.locked_until = utcnow() + timedelta(minutes=event.attempts)


def _apply_one(event: WebhookEvent, cache: Cache) -> bool:
    """Apply one event inside a savepoint, so its failure spares the rest of the batch."""
    savepoint = db.session.begin_nested()
    try:
        outcome = ingest.apply_event(event, cache)
        savepoint.commit()
    except ValueError as error:  # malformed but signed: recorded, never retried
        savepoint.rollback()
        _fail(event, error, malformed=True)
        return False
    except Exception as error:
        savepoint.rollback()
        log.exception("webhook event %s failed", event.id)
        _fail(event, error, malformed=False)
        return False
    _finish(event, outcome)
    return True


def _load(ids: list[int]) -> list[WebhookEvent]:
    return list(
        db.session.scalars(
            sa.select(WebhookEvent)
            .where(WebhookEvent.id.in_(ids), WebhookEvent.status == WebhookStatus.PENDING)
            .order_by(WebhookEvent.id)
        )
    )


def _apply_fast(events: list[WebhookEvent]) -> list:
    """The whole batch in one go: parse all, prefetch what they name, apply, flush once."""
    cache, parsed = Cache(), []
    for event in events:
        try:
            parsed.append((event, *ingest.parse_event(event, cache)))
        except ValueError as error:  # malformed but signed: recorded, never retried
            _fail(event, error, malformed=True)
    ingest.prefetch([(channel, adapter, items) for _, adapter, channel, items in parsed], cache)
    with db.session.no_autoflush:
        for event, adapter, channel, items in parsed:
            _finish(event, ingest.apply_parsed(adapter, channel, items, cache))
    db.session.flush()
    return cache.new_messages


def _apply_isolated(events: list[WebhookEvent]) -> list:
    """Event by event in savepoints, after the fast path failed as a whole."""
    new_messages = []
    for event in events:
        cache = Cache()  # nothing from a rolled-back savepoint may be reused
        if _apply_one(event, cache):
            new_messages.extend(cache.new_messages)
    return new_messages


def process_batch(ids: list[int]) -> int:
    """Apply a claimed batch in one transaction; if anything unexpected breaks it, redo it event by
    event in savepoints, so one bad event never blocks the others. Returns events handled."""
    session = db.session()
    events = _load(ids)
    try:
        new_messages = _apply_fast(events)
        session.expire_on_commit = False  # the hooks read what we just wrote
        session.commit()
    except Exception:
        session.rollback()
        log.warning("a webhook batch failed as a whole; applying its events one by one")
        events = _load(ids)
        new_messages = _apply_isolated(events)
        session.expire_on_commit = False
        session.commit()
    finally:
        session.expire_on_commit = True
    ingest.after_inbound(new_messages)
    session.expire_all()  # the next batch must see what agents changed meanwhile
    return len(events)


@job("webhooks", timeout=900)
def drain_webhook_events(max_batches: int = 100) -> int:
    """Claim and apply pending events batch after batch until none are left."""
    if not is_inline():
        try:
            redis_connection().delete(KICK_KEY)  # events stored from now on kick a new job
        except (RedisError, OSError):
            pass
    handled = 0
    for _ in range(max_batches):
        ids = claim_batch()
        if not ids:
            return handled
        handled += process_batch(ids)
    kick()  # still more: hand over to a fresh job so other queues get a turn
    return handled


@job("maintenance", timeout=120)
def requeue_stale_events(older_than: timedelta = timedelta(seconds=30)) -> bool:
    """Periodic: if pending events wait unclaimed (Redis was down, a worker died), kick a drain."""
    now = utcnow()
    waiting = db.session.scalar(
        sa.select(WebhookEvent.id)
        .where(
            WebhookEvent.status == WebhookStatus.PENDING,
            WebhookEvent.received_at < now - older_than,
            sa.or_(WebhookEvent.locked_until.is_(None), WebhookEvent.locked_until < now),
        )
        .limit(1)
    )
    if waiting is None:
        return False
    if not is_inline():
        redis_connection().delete(KICK_KEY)
    kick()
    return True
