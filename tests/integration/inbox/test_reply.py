"""The reply box: replies go out through the worker, notes never do, bad input loses nothing typed."""

import io
from datetime import timedelta

import pytest

from app.models import ChannelKind, Direction, Message, MessageKind, MessageStatus, utcnow
from tests.factories import make_channel, make_contact, make_conversation, make_inbound, make_message


@pytest.fixture
def telegram_conversation(workspace):
    channel = make_channel(workspace, ChannelKind.TELEGRAM, credentials={"bot_token": "123:ABC"})
    contact = make_contact(workspace, channel, external_id="987654321", name="Ahmed Khan")
    conversation = make_conversation(channel, contact)
    make_inbound(conversation, "Do you deliver?")
    return conversation


@pytest.fixture
def signed_in(client, login_as, workspace, owner):
    login_as(owner, workspace)
    return owner


def _messages(db, conversation, kind=None):
    query = db.session.query(Message).filter_by(conversation_id=conversation.id, direction=Direction.OUT)
    return query.filter_by(kind=kind).all() if kind else query.all()


def test_reply_is_queued_then_sent_by_the_worker(client, db, signed_in, telegram_conversation, providers, run_jobs):
    response = client.post(f"/inbox/{telegram_conversation.id}/reply", data={"text": "Yes, in 40 minutes", "send": "1"})
    assert response.status_code == 302
    [message] = _messages(db, telegram_conversation)
    assert message.status == MessageStatus.QUEUED and message.sender_id == signed_in.id
    message_id = message.id
    run_jobs()
    assert db.session.get(Message, message_id).status == MessageStatus.SENT
    [call] = providers.calls_to("sendMessage")
    assert call["json"]["text"] == "Yes, in 40 minutes" and call["json"]["chat_id"] == "987654321"


def test_note_is_stored_privately_and_never_sent(client, db, signed_in, telegram_conversation, providers, run_jobs):
    conversation_id = telegram_conversation.id
    client.post(f"/inbox/{conversation_id}/reply", data={"text": "VIP, be nice", "note": "1"})
    run_jobs()
    telegram_conversation = db.session.get(type(telegram_conversation), conversation_id)
    [note] = _messages(db, telegram_conversation, MessageKind.NOTE)
    assert note.status == MessageStatus.RECEIVED and note.provider_message_id is None
    assert providers.calls == []
    html = client.get(f"/inbox/{telegram_conversation.id}").get_data(as_text=True)
    assert "Private note by" in html and "VIP, be nice" in html


def test_empty_reply_is_refused_with_a_message(client, db, signed_in, telegram_conversation):
    response = client.post(f"/inbox/{telegram_conversation.id}/reply", data={"text": "   ", "send": "1"})
    assert response.status_code == 422
    assert "Write a message or attach a file" in response.get_data(as_text=True)
    assert _messages(db, telegram_conversation) == []


def test_disallowed_attachment_is_refused_and_the_text_kept(client, db, signed_in, telegram_conversation):
    data = {"text": "Here is the invoice", "send": "1", "attachment": (io.BytesIO(b"MZ\x90"), "invoice.exe")}
    response = client.post(f"/inbox/{telegram_conversation.id}/reply", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This type of file cannot be sent" in html and "Here is the invoice</textarea>" in html
    assert _messages(db, telegram_conversation) == []


def test_oversized_attachment_is_refused_and_the_text_kept(app, client, db, signed_in, telegram_conversation):
    app.config["INBOX_MAX_ATTACHMENT_BYTES"] = 1024
    data = {"text": "Big photo", "send": "1", "attachment": (io.BytesIO(b"x" * 2048), "photo.jpg")}
    response = client.post(f"/inbox/{telegram_conversation.id}/reply", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "too large" in html and "Big photo</textarea>" in html


def test_stale_form_keeps_what_was_typed(app, client, db, signed_in, telegram_conversation):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(
        f"/inbox/{telegram_conversation.id}/reply", data={"text": "Typed before lunch", "csrf_token": "expired"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This form has expired" in html and "Typed before lunch</textarea>" in html
    assert _messages(db, telegram_conversation) == []


def test_attachment_is_stored_and_served_only_through_the_authorised_route(
    client, db, signed_in, telegram_conversation, login_as
):
    data = {"text": "Menu", "send": "1", "attachment": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 40), "menu.png")}
    client.post(f"/inbox/{telegram_conversation.id}/reply", data=data, content_type="multipart/form-data")
    [message] = _messages(db, telegram_conversation)
    [attachment] = message.attachments
    response = client.get(f"/inbox/attachments/{attachment.id}")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG") and "no-store" in response.headers["Cache-Control"]
    client.post("/logout")
    with client.session_transaction() as session:
        session.clear()
    assert client.get(f"/inbox/attachments/{attachment.id}").status_code == 302  # to the sign-in page


def test_failed_message_shows_its_reason_and_retry_sends_it(
    client, db, signed_in, telegram_conversation, providers, run_jobs
):
    failed = make_message(
        telegram_conversation, Direction.OUT, text="Sorry!", status=MessageStatus.FAILED, error="Bot was blocked"
    )
    html = client.get(f"/inbox/{telegram_conversation.id}").get_data(as_text=True)
    assert "Bot was blocked" in html and "Retry" in html
    failed_id = failed.id
    client.post(f"/inbox/{telegram_conversation.id}/messages/{failed_id}/retry")
    run_jobs()
    failed = db.session.get(Message, failed_id)
    assert failed.status == MessageStatus.SENT and failed.error is None


def test_thread_shows_delivery_ticks(client, db, signed_in, telegram_conversation):
    make_message(telegram_conversation, Direction.OUT, text="one", status=MessageStatus.DELIVERED)
    make_message(telegram_conversation, Direction.OUT, text="two", status=MessageStatus.READ)
    html = client.get(f"/inbox/{telegram_conversation.id}").get_data(as_text=True)
    assert 'class="tick delivered"' in html and 'class="tick read"' in html


def test_reply_at_the_edge_of_the_window_records_the_time(db, telegram_conversation, owner):
    from app.inbox.outbound import queue_reply

    before = utcnow() - timedelta(seconds=1)
    message = queue_reply(telegram_conversation, owner, "hello")
    db.session.commit()
    assert message.created_at >= before and telegram_conversation.last_message_at == message.created_at
