"""Batch ingestion: one job drains many events; statuses move forward; nothing is lost when Redis
or a worker goes away."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta

import sqlalchemy as sa
from redis import Redis

from app.jobs import get_queue
from app.jobs.ingest import requeue_stale_events
from app.models import ChannelKind, Direction, Message, MessageStatus, WebhookEvent, WebhookStatus, Workspace, utcnow
from tests.factories import make_contact, make_conversation, make_message
from tests.webhook_client import connect_sample_channel, fresh, post_payload, post_sample, sample_payload


def _count(db, model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _telegram_updates(count: int, first: int = 1) -> list[dict]:
    base = sample_payload(ChannelKind.TELEGRAM, "text", "")
    updates = []
    for n in range(first, first + count):
        update = copy.deepcopy(base)
        update["update_id"] = 900000 + n
        update["message"]["message_id"] = n
        update["message"]["chat"]["id"] = 5000 + n % 7  # seven contacts writing in turns
        update["message"]["text"] = f"message {n}"
        updates.append(update)
    return updates


def test_one_job_drains_a_burst_of_events(client, db, providers, run_jobs, workspace):
    channel = connect_sample_channel(workspace, ChannelKind.TELEGRAM)
    for update in _telegram_updates(250):
        assert post_payload(client, channel, update).status_code == 200
    assert get_queue("webhooks").count == 1
    run_jobs()
    assert _count(db, Message) == 250
    assert _count(db, WebhookEvent, WebhookEvent.status == WebhookStatus.PROCESSED) == 250
    assert (
        db.session.scalar(
            sa.select(sa.func.sum(sa.literal_column("unread_count"))).select_from(sa.table("conversation"))
        )
        == 250
    )


def _outbound(workspace, kind, provider_message_id, external_id, created_at=None):
    channel = connect_sample_channel(workspace, kind)
    contact = make_contact(workspace, channel, external_id=external_id)
    conversation = make_conversation(channel, contact)
    fields = {"provider_message_id": provider_message_id, "status": MessageStatus.SENT}
    if created_at:
        fields["created_at"] = created_at
    return channel, make_message(conversation, Direction.OUT, **fields).id


STATUS_CASES = [
    (ChannelKind.WHATSAPP, "wamid.HBgLMTU1NTAwMDAwMDAVAgARGBI000001", "5215512345678", "status_delivered", "delivered"),
    (ChannelKind.WHATSAPP, "wamid.HBgLMTU1NTAwMDAwMDAVAgARGBI000001", "5215512345678", "status_failed", "failed"),
    (ChannelKind.SMS, "SM00000000000000000000000000000001", "+15005550006", "status_delivered", "delivered"),
    (ChannelKind.SMS, "SM00000000000000000000000000000001", "+15005550006", "status_undelivered", "failed"),
    (ChannelKind.MESSENGER, "m_fake00000001", "6543210987654321", "delivery", "delivered"),
    (ChannelKind.MESSENGER, "m_fake00000001", "6543210987654321", "read", "read"),
    (ChannelKind.INSTAGRAM, "m_fake00000001", "1234567890123456", "read", "read"),
]


def test_status_webhooks_move_our_messages_forward(client, db, providers, run_jobs, workspace):
    workspace_id = workspace.id
    for kind, provider_id, external_id, sample, expected in STATUS_CASES:
        db.session.execute(sa.delete(Message))
        db.session.commit()
        channel, message_id = _outbound(
            db.session.get(Workspace, workspace_id), kind, provider_id, external_id, datetime(2025, 1, 1)
        )
        post_sample(client, channel, sample, providers, status=True)
        run_jobs()
        message = db.session.get(Message, message_id)
        assert message.status == expected, (kind, sample)
        if expected == "failed":
            assert message.error and ("131047" in message.error or "30003" in message.error)
        channel = fresh(channel)
        channel.external_id = f"old-{channel.id}"  # the next case connects the same ids again
        db.session.commit()


def test_a_late_status_never_moves_a_message_back(client, db, providers, run_jobs, workspace):
    channel, message_id = _outbound(workspace, ChannelKind.WHATSAPP, "wamid.HBgLMTU1NTAwMDAwMDAVAgARGBI000001", "52155")
    read = sample_payload(ChannelKind.WHATSAPP, "status_delivered", "")
    read["entry"][0]["changes"][0]["value"]["statuses"][0]["status"] = "read"
    post_payload(client, channel, read)
    run_jobs()
    post_sample(client, channel, "status_delivered", providers)
    run_jobs()
    assert db.session.get(Message, message_id).status == MessageStatus.READ


def test_status_for_an_unknown_message_changes_nothing(client, db, providers, run_jobs, workspace):
    channel = connect_sample_channel(workspace, ChannelKind.SMS)
    post_sample(client, channel, "status_delivered", providers, status=True)
    run_jobs()
    assert db.session.scalar(sa.select(WebhookEvent.status)) == WebhookStatus.PROCESSED
    assert _count(db, Message) == 0


def test_redis_down_during_a_webhook_still_stores_and_acknowledges(
    app, client, db, providers, run_jobs, workspace, caplog
):
    channel = connect_sample_channel(workspace, ChannelKind.TELEGRAM)
    working = app.extensions["redis"]
    app.extensions["redis"] = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    try:
        response = post_sample(client, channel, "text", providers)
    finally:
        app.extensions["redis"] = working
    assert response.status_code == 200
    assert db.session.scalar(sa.select(WebhookEvent.status)) == WebhookStatus.PENDING
    assert any("sweeper will pick the event up" in r.getMessage() for r in caplog.records)
    assert requeue_stale_events(timedelta(0)) is True  # Redis is back; the periodic sweeper runs
    run_jobs()
    assert _count(db, Message) == 1
    assert db.session.scalar(sa.select(WebhookEvent.status)) == WebhookStatus.PROCESSED


KILLED_WORKER = textwrap.dedent(
    """
    import os, signal
    from app import create_app
    from app.extensions import db
    from app.jobs.ingest import claim_batch
    from app.models import WebhookEvent
    from app.webhooks.ingest import apply_event
    from app.webhooks.threads import Cache

    app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ["DB"], "SECRET_KEY": "test-secret-key",
                      "JOBS_MODE": "inline", "RUN_PERIODIC_INLINE": False, "TESTING": True})
    with app.app_context():
        ids = claim_batch(200)
        cache = Cache()
        for event_id in ids[: len(ids) // 2]:
            apply_event(db.session.get(WebhookEvent, event_id), cache)
        db.session.flush()  # half the batch written, not committed
        os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_worker_killed_mid_batch_leaves_events_that_are_applied_once_later(
    app, client, db, providers, run_jobs, workspace
):
    channel = connect_sample_channel(workspace, ChannelKind.TELEGRAM)
    for update in _telegram_updates(40):
        post_payload(client, channel, update)
    get_queue("webhooks").empty()  # the drain job is taken by the worker we are about to kill
    db.session.remove()
    env = {**os.environ, "DB": app.config["SQLALCHEMY_DATABASE_URI"]}
    killed = subprocess.run([sys.executable, "-c", KILLED_WORKER], env=env, cwd=app.root_path + "/..", check=False)
    assert killed.returncode == -9
    assert _count(db, Message) == 0
    assert requeue_stale_events(timedelta(0)) is False  # still leased to the dead worker
    db.session.execute(sa.update(WebhookEvent).values(locked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()  # the lease runs out
    assert requeue_stale_events(timedelta(0)) is True
    run_jobs()
    assert _count(db, Message) == 40
    assert _count(db, WebhookEvent, WebhookEvent.status == WebhookStatus.PROCESSED) == 40
    assert db.session.scalar(sa.select(sa.func.max(WebhookEvent.attempts))) == 2
