"""Outbound statuses only move forward (CONTRACT §4)."""

from app.models import Direction, Message, MessageStatus


def outbound(status: MessageStatus) -> Message:
    return Message(direction=Direction.OUT, status=status)


def test_status_moves_forward():
    message = outbound(MessageStatus.SENT)
    assert message.advance(MessageStatus.DELIVERED)
    assert message.advance(MessageStatus.READ)
    assert message.status == MessageStatus.READ


def test_late_status_never_moves_back():
    message = outbound(MessageStatus.READ)
    assert not message.advance(MessageStatus.DELIVERED)
    assert message.status == MessageStatus.READ


def test_failed_is_final_and_keeps_the_reason():
    message = outbound(MessageStatus.SENT)
    assert message.advance(MessageStatus.FAILED, "(#131047) Re-engagement message")
    assert not message.advance(MessageStatus.DELIVERED)
    assert (message.status, message.error) == (MessageStatus.FAILED, "(#131047) Re-engagement message")


def test_inbound_messages_keep_received():
    message = Message(direction=Direction.IN, status=MessageStatus.RECEIVED)
    assert not message.advance(MessageStatus.READ)
