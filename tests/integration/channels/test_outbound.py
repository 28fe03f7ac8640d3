"""Outbound sends through a real RQ worker: once, retried on transient errors, failed with a reason."""

from __future__ import annotations

from rq.registry import ScheduledJobRegistry

from app.jobs import enqueue, get_queue
from app.jobs.outbound import MAX_ATTEMPTS, send_message
from app.models import ChannelKind, Direction, Message, MessageStatus
from tests.factories import make_channel, make_contact, make_conversation, make_message


def _queued(workspace, kind=ChannelKind.TELEGRAM, text="¿Sigue disponible?"):
    channel = make_channel(workspace, kind, credentials={"bot_token": "123:ABC", "access_token": "page-token"})
    contact = make_contact(workspace, channel, external_id="123456789")
    conversation = make_conversation(channel, contact)
    return make_message(conversation, Direction.OUT, status=MessageStatus.QUEUED, text=text)


def test_queued_message_is_sent_once_and_keeps_the_provider_id(app, db, providers, run_jobs, workspace):
    message_id = _queued(workspace).id
    enqueue(send_message, message_id)
    enqueue(send_message, message_id)  # a duplicate job must not send twice
    run_jobs()
    message = db.session.get(Message, message_id)
    assert message.status == MessageStatus.SENT
    assert message.provider_message_id.startswith("123456789:")
    [call] = providers.calls_to("sendMessage")
    assert call["json"] == {"chat_id": "123456789", "text": "¿Sigue disponible?"}


def test_transient_error_puts_the_message_back_for_a_retry(app, db, providers, run_jobs, workspace, redis):
    message = _queued(workspace)
    message_id = message.id
    providers.fail_next(429)
    enqueue(send_message, message_id)
    run_jobs()
    message = db.session.get(Message, message_id)
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert "Too Many Requests" in message.error
    assert ScheduledJobRegistry(queue=get_queue("outbound")).count == 1
    send_message(message_id)  # what RQ runs when the backoff is over
    message = db.session.get(Message, message_id)
    assert message.status == MessageStatus.SENT and message.error is None


def test_permanent_error_fails_the_message_with_the_providers_reason(app, db, providers, run_jobs, workspace):
    message_id = _queued(workspace, ChannelKind.MESSENGER).id
    providers.fail_next(400)
    enqueue(send_message, message_id)
    run_jobs()
    message = db.session.get(Message, message_id)
    assert message.status == MessageStatus.FAILED
    assert "The parameter recipient is invalid" in message.error
    assert ScheduledJobRegistry(queue=get_queue("outbound")).count == 0


def test_last_attempt_fails_instead_of_retrying_forever(app, db, providers, workspace):
    message = _queued(workspace)
    message.attempts = MAX_ATTEMPTS - 1
    db.session.commit()
    providers.fail_next(503)
    send_message(message.id)
    message = db.session.get(Message, message.id)
    assert message.status == MessageStatus.FAILED
    assert message.attempts == MAX_ATTEMPTS


def test_message_not_queued_is_left_alone(app, db, providers, workspace):
    message = _queued(workspace)
    message.status = MessageStatus.SENT
    db.session.commit()
    assert send_message(message.id) is None
    assert providers.calls == []
