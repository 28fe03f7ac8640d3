"""Retention with a controllable clock: Meta data after two years (or the workspace's shorter
choice), raw webhook payloads after seven days, closed workspaces and accounts after five years."""

import json
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditEvent,
    ChannelKind,
    Contact,
    Conversation,
    PrivacySettings,
    User,
    WebhookEvent,
    WebhookStatus,
    Workspace,
)
from app.privacy import retention
from app.storage import get_storage
from tests.factories import (
    make_attachment,
    make_channel,
    make_contact,
    make_conversation,
    make_message,
    make_user,
    make_workspace,
    member_of,
)

NOW = datetime(2030, 6, 1, 12, 0)


def _conversation(workspace, kind, last_message_at, external_id=None):
    channel = make_channel(workspace, kind)
    contact = make_contact(workspace, channel, **({"external_id": external_id} if external_id else {}))
    conversation = make_conversation(channel, contact)
    message = make_message(conversation)
    attachment = make_attachment(message)
    conversation.last_message_at = last_message_at
    db.session.commit()
    return conversation.id, contact.id, get_storage().path(attachment.storage_key)


def test_meta_conversations_go_two_years_after_the_last_interaction(app, workspace):
    old_id, old_contact, old_file = _conversation(workspace, ChannelKind.MESSENGER, NOW - timedelta(days=731))
    recent_id, _, recent_file = _conversation(workspace, ChannelKind.INSTAGRAM, NOW - timedelta(days=700))
    sms_id, _, _ = _conversation(workspace, ChannelKind.SMS, NOW - timedelta(days=2000))

    counts = retention.apply(NOW)
    db.session.commit()

    assert counts["conversations"] == 1 and counts["messages"] == 1 and counts["attachments"] == 1
    assert db.session.get(Conversation, old_id) is None and not Path(old_file).exists()
    assert db.session.get(Contact, old_contact) is None  # its only identity had no conversation left
    assert db.session.get(Conversation, recent_id) is not None and Path(recent_file).exists()
    assert db.session.get(Conversation, sms_id) is not None  # not Meta-sourced
    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "privacy.retention_run"))
    assert audit.details["counts"]["conversations"] == 1


def test_a_workspace_may_shorten_but_never_lengthen_meta_retention(app):
    short, long_ = make_workspace(), make_workspace()
    db.session.add_all(
        [
            PrivacySettings(workspace_id=short.id, meta_retention_days=90),
            PrivacySettings(workspace_id=long_.id, meta_retention_days=5000),  # not allowed by the form either
        ]
    )
    db.session.commit()
    short_id, _, _ = _conversation(short, ChannelKind.WHATSAPP, NOW - timedelta(days=100))
    long_id, _, _ = _conversation(long_, ChannelKind.WHATSAPP, NOW - timedelta(days=800))
    retention.apply(NOW)
    db.session.commit()
    assert db.session.get(Conversation, short_id) is None
    assert db.session.get(Conversation, long_id) is None


def test_raw_webhook_payloads_are_purged_seven_days_after_processing(app):
    def event(key, processed_at, status=WebhookStatus.PROCESSED):
        row = WebhookEvent(
            source="meta", dedupe_key=key, payload={"entry": [{"text": "hi"}]}, status=status, processed_at=processed_at
        )
        db.session.add(row)
        return row

    old = event("old", NOW - timedelta(days=8))
    fresh = event("fresh", NOW - timedelta(days=6))
    pending = event("pending", None, WebhookStatus.PENDING)
    db.session.commit()
    counts = retention.apply(NOW)
    db.session.commit()
    assert counts["webhook_payloads"] == 1
    assert old.payload is None and fresh.payload and pending.payload


def test_closed_workspaces_and_accounts_are_anonymised_after_five_years(app):
    closed = make_workspace(name="Tienda Cerrada")
    owner = member_of(closed)
    owner_email = owner.email
    channel = make_channel(closed, ChannelKind.TELEGRAM)
    contact_id = make_contact(closed, channel, name="Cliente").id
    recently_closed = make_workspace(name="Recently closed")
    lone_user = make_user(name="Gone Person")
    closed.closed_at = NOW - timedelta(days=5 * 365 + 1)
    recently_closed.closed_at = NOW - timedelta(days=365)
    lone_user.closed_at = NOW - timedelta(days=5 * 365 + 1)
    db.session.commit()

    counts = retention.apply(NOW)
    db.session.commit()
    db.session.expire_all()

    assert counts["workspaces_anonymised"] == 1 and counts["accounts_anonymised"] == 2
    assert db.session.get(Workspace, closed.id).name == f"Closed workspace {closed.id}"
    assert db.session.get(Contact, contact_id) is None
    assert db.session.get(Workspace, recently_closed.id).name == "Recently closed"
    assert db.session.scalar(sa.select(User).where(User.email == owner_email)) is None
    gone = db.session.get(User, lone_user.id)
    assert gone.name == "" and gone.email.startswith("anonymised-") and not gone.check_password("correct horse battery")
    again = retention.apply(NOW)  # irreversibly, and only once
    assert again.get("workspaces_anonymised", 0) == 0 and again.get("accounts_anonymised", 0) == 0


def test_cli_prints_removed_counts_as_json_last_line(app, runner):
    expired = make_workspace()
    _conversation(expired, ChannelKind.MESSENGER, datetime(2000, 1, 1))
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output.strip().splitlines()[-1])
    assert counts["conversations"] == 1 and counts["messages"] == 1
    assert {"webhook_payloads", "password_resets", "invitations"} <= set(counts)


def test_retention_is_a_daily_periodic_job():
    from app.jobs.schedule import periodic_job_definitions

    daily = {p.name: p.every for p in periodic_job_definitions()}
    assert daily["app.jobs.privacy.run_retention"] == timedelta(days=1)
    assert "app.jobs.privacy.retry_open_deletions" in daily
