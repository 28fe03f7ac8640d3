"""Inbound webhooks for every channel, through the routes and a real RQ worker."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.models import (
    Attachment,
    AttachmentState,
    ChannelKind,
    ContactIdentity,
    Conversation,
    ConversationStatus,
    Direction,
    Message,
    MessageStatus,
    WebhookEvent,
    WebhookStatus,
)
from app.storage import get_storage
from tests.channel_specs import INBOUND
from tests.fakes.provider_server import PNG
from tests.webhook_client import connect_sample_channel, post_payload, post_sample, sample_payload

KINDS = list(ChannelKind)


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _messages(db) -> list[Message]:
    return list(db.session.scalars(sa.select(Message).order_by(Message.id)))


@pytest.mark.parametrize("kind", KINDS)
def test_inbound_text_becomes_a_contact_conversation_and_message(client, db, providers, run_jobs, workspace, kind):
    channel = connect_sample_channel(workspace, kind)
    sample, external_id, text, _ = INBOUND[kind]
    response = post_sample(client, channel, sample, providers)
    assert response.status_code == 200
    assert _count(db, Message) == 0  # acknowledged first, applied by the worker
    run_jobs()
    [message] = _messages(db)
    assert (message.direction, message.status, message.text) == (Direction.IN, MessageStatus.RECEIVED, text)
    identity = db.session.scalar(sa.select(ContactIdentity))
    assert identity.external_id == external_id and identity.last_inbound_at is not None
    conversation = db.session.get(Conversation, message.conversation_id)
    assert conversation.unread_count == 1
    assert conversation.preview == text[:200]
    assert conversation.last_inbound_at == message.created_at
    assert db.session.scalar(sa.select(WebhookEvent.status)) == WebhookStatus.PROCESSED


@pytest.mark.parametrize("kind", KINDS)
def test_inbound_attachment_is_downloaded_and_stored(client, db, providers, run_jobs, workspace, kind):
    channel = connect_sample_channel(workspace, kind)
    post_sample(client, channel, INBOUND[kind][3], providers)
    run_jobs()
    [attachment] = db.session.scalars(sa.select(Attachment)).all()
    assert attachment.state == AttachmentState.STORED, attachment.error
    content = get_storage().read(attachment.storage_key)
    assert content.startswith(b"\x89PNG")
    if kind != ChannelKind.EMAIL:
        assert content == PNG
        assert attachment.content_type == "image/png"


@pytest.mark.parametrize("kind", KINDS)
def test_duplicate_webhook_creates_one_message(client, db, providers, run_jobs, workspace, kind):
    channel = connect_sample_channel(workspace, kind)
    sample = INBOUND[kind][0]
    assert post_sample(client, channel, sample, providers).status_code == 200
    run_jobs()
    assert post_sample(client, channel, sample, providers).status_code == 200
    run_jobs()
    assert _count(db, Message) == 1
    assert _count(db, WebhookEvent) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_bad_signature_is_refused_and_nothing_stored(client, db, providers, workspace, kind, caplog):
    channel = connect_sample_channel(workspace, kind)
    response = post_sample(client, channel, INBOUND[kind][0], providers, secret="not-the-secret")
    assert response.status_code == 403
    assert "error" in response.get_json()
    assert _count(db, WebhookEvent) == 0
    assert any("refused" in r.getMessage() for r in caplog.records)
    assert not any(INBOUND[kind][2][:10] in r.getMessage() for r in caplog.records)


def test_meta_event_for_an_unknown_page_is_stored_as_unrouted(client, db, providers, run_jobs, workspace):
    payload = sample_payload(ChannelKind.MESSENGER, "text", providers.base)
    payload["entry"][0]["id"] = "999000999"
    channel = connect_sample_channel(workspace, ChannelKind.MESSENGER)
    assert post_payload(client, channel, payload).status_code == 200
    run_jobs()
    event = db.session.scalar(sa.select(WebhookEvent))
    assert (event.status, event.route_id) == (WebhookStatus.UNROUTED, "999000999")
    assert _count(db, Message) == 0


def test_malformed_but_signed_event_fails_with_a_reason_and_the_batch_goes_on(
    client, db, providers, run_jobs, workspace
):
    channel = connect_sample_channel(workspace, ChannelKind.WHATSAPP)
    broken = sample_payload(ChannelKind.WHATSAPP, "text", providers.base)
    del broken["entry"][0]["changes"][0]["value"]["metadata"]
    assert post_payload(client, channel, broken).status_code == 200
    assert post_sample(client, channel, "text", providers).status_code == 200
    run_jobs()
    failed, processed = db.session.scalars(sa.select(WebhookEvent).order_by(WebhookEvent.id)).all()
    assert failed.status == WebhookStatus.FAILED and "metadata" in failed.last_error
    assert processed.status == WebhookStatus.PROCESSED
    assert _count(db, Message) == 1


def test_signed_body_that_is_not_json_is_a_400(client, db, providers, workspace):
    from tests.conftest import META_APP_SECRET
    from tests.fakes.signing import meta_headers

    body = b"not json at all"
    response = client.post("/webhooks/meta", data=body, headers=meta_headers(body, META_APP_SECRET))
    assert response.status_code == 400 and "error" in response.get_json()
    assert _count(db, WebhookEvent) == 0


def test_oversized_body_is_a_413_json(client, db, providers):
    response = client.post(
        "/webhooks/meta", data=b"x" * (1024 * 1024 + 1), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert "error" in response.get_json()


def test_unknown_channel_key_is_404(client, providers):
    assert client.post("/webhooks/telegram/nope", json={"update_id": 1}).status_code == 404
    assert client.post("/webhooks/twilio/nope", data={"MessageSid": "SM1"}).status_code == 404
    assert client.post("/webhooks/email/nope", data=b"x").status_code == 404


def test_meta_subscription_check(client, providers):
    ok = client.get("/webhooks/meta?hub.mode=subscribe&hub.verify_token=test-verify-token&hub.challenge=1158201444")
    assert (ok.status_code, ok.get_data(as_text=True)) == (200, "1158201444")
    bad = client.get("/webhooks/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1")
    assert bad.status_code == 403


def test_twilio_answers_empty_twiml(client, providers, workspace):
    channel = connect_sample_channel(workspace, ChannelKind.SMS)
    response = post_sample(client, channel, "text", providers)
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert "<Response/>" in response.get_data(as_text=True)


def test_new_inbound_message_reopens_a_resolved_conversation(client, db, providers, run_jobs, workspace):
    channel = connect_sample_channel(workspace, ChannelKind.TELEGRAM)
    post_sample(client, channel, "text", providers)
    run_jobs()
    conversation = db.session.scalar(sa.select(Conversation))
    conversation.status = ConversationStatus.RESOLVED
    db.session.commit()
    post_sample(client, channel, "photo", providers)
    run_jobs()
    conversations = db.session.scalars(sa.select(Conversation)).all()
    assert len(conversations) == 1
    assert conversations[0].status == ConversationStatus.OPEN
    assert conversations[0].unread_count == 2


def test_telegram_edit_updates_the_message_text(client, db, providers, run_jobs, workspace):
    channel = connect_sample_channel(workspace, ChannelKind.TELEGRAM)
    post_sample(client, channel, "text", providers)
    post_sample(client, channel, "edited", providers)
    run_jobs()
    [message] = _messages(db)
    assert message.text == "Hola! ¿Hacen envíos a Valparaíso?"
    assert "edited_at" in message.meta


@pytest.mark.parametrize("kind", [ChannelKind.MESSENGER, ChannelKind.INSTAGRAM])
def test_echo_from_the_providers_app_is_an_outbound_message(client, db, providers, run_jobs, workspace, kind):
    channel = connect_sample_channel(workspace, kind)
    post_sample(client, channel, "text", providers)
    post_sample(client, channel, "echo", providers)
    run_jobs()
    inbound, echo = _messages(db)
    assert (echo.direction, echo.is_echo, echo.status) == (Direction.OUT, True, MessageStatus.SENT)
    assert echo.conversation_id == inbound.conversation_id
    assert db.session.get(Conversation, echo.conversation_id).unread_count == 1


def test_email_reply_joins_its_thread_with_the_quote_trimmed(client, db, providers, run_jobs, workspace):
    channel = connect_sample_channel(workspace, ChannelKind.EMAIL)
    post_sample(client, channel, "text", providers)
    post_sample(client, channel, "reply_with_attachment", providers)
    run_jobs()
    first, reply = _messages(db)
    assert reply.conversation_id == first.conversation_id
    assert reply.text == "Adjunto el comprobante."
    conversation = db.session.get(Conversation, first.conversation_id)
    assert conversation.subject == "Reserva para sábado"
    contact = db.session.scalar(sa.select(ContactIdentity)).contact
    assert (contact.name, contact.email) == ("Lucía Pérez", "lucia@example.org")
