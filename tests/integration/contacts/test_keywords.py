"""Opt-out and opt-in by keyword reply: SMS STOP/START, Spanish BAJA/ALTA, WhatsApp per workspace."""

import itertools

import pytest

from app.contacts.keywords import handle_inbound_keyword, set_whatsapp_keywords
from app.extensions import db
from app.models import ChannelKind, ConsentEvent, ConsentStatus, Direction, MessageKind, MessageStatus
from app.privacy.consent import consent_state
from tests.factories import make_channel, make_contact, make_conversation, make_message

_ids = itertools.count(1)


def _inbound(channel, contact, text):
    conversation = make_conversation(channel, contact) if not hasattr(contact, "_conv") else contact._conv
    contact._conv = conversation
    return make_message(conversation, Direction.IN, text=text, provider_message_id=f"SM{next(_ids)}")


@pytest.mark.parametrize("word", ["STOP", "stop", " Unsubscribe ", "STOPALL", "CANCEL", "END", "QUIT", "BAJA", "alto"])
def test_sms_opt_out_words_withdraw_consent(workspace, word):
    channel = make_channel(workspace, ChannelKind.SMS)
    contact = make_contact(workspace, channel, phone="+525512345678")
    reply = handle_inbound_keyword(_inbound(channel, contact, word).id)
    db.session.commit()
    assert consent_state(contact.id, ChannelKind.SMS) == ConsentStatus.WITHDRAWN
    assert reply.kind == MessageKind.AUTO and reply.status == MessageStatus.QUEUED and reply.direction == Direction.OUT
    event = db.session.query(ConsentEvent).one()
    assert event.source == "keyword" and word.strip().upper() in event.evidence


def test_stop_then_start_round_trip_with_confirmations(workspace):
    channel = make_channel(workspace, ChannelKind.SMS)
    contact = make_contact(workspace, channel)
    stop = handle_inbound_keyword(_inbound(channel, contact, "STOP").id)
    db.session.commit()
    assert "unsubscribed" in stop.text and "START" in stop.text
    start = handle_inbound_keyword(_inbound(channel, contact, "START").id)
    db.session.commit()
    assert consent_state(contact.id, ChannelKind.SMS) == ConsentStatus.GRANTED
    assert "STOP" in start.text
    assert handle_inbound_keyword(_inbound(channel, contact, "START").id) is None  # no change, no second reply


def test_spanish_keyword_gets_a_spanish_confirmation(workspace):
    channel = make_channel(workspace, ChannelKind.SMS)
    contact = make_contact(workspace, channel)
    reply = handle_inbound_keyword(_inbound(channel, contact, "BAJA").id)
    assert "START" in reply.text and reply.text.startswith("Has")


def test_ordinary_messages_change_nothing(workspace):
    channel = make_channel(workspace, ChannelKind.SMS)
    contact = make_contact(workspace, channel)
    assert handle_inbound_keyword(_inbound(channel, contact, "please don't stop the offers").id) is None
    assert consent_state(contact.id, ChannelKind.SMS) is None


def test_whatsapp_keywords_are_configurable_per_workspace(workspace):
    channel = make_channel(workspace, ChannelKind.WHATSAPP)
    contact = make_contact(workspace, channel)
    set_whatsapp_keywords(workspace.id, ["NO MAS", "PARAR"], ["VOLVER"])
    db.session.commit()
    assert handle_inbound_keyword(_inbound(channel, contact, "STOP").id) is None
    handle_inbound_keyword(_inbound(channel, contact, "parar").id)
    db.session.commit()
    assert consent_state(contact.id, ChannelKind.WHATSAPP) == ConsentStatus.WITHDRAWN
    assert consent_state(contact.id, ChannelKind.SMS) is None
