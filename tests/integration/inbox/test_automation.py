"""Automatic replies: the away reply outside business hours (once per period) and keyword replies."""

from datetime import datetime, timedelta

import pytest

from app.extensions import db
from app.inbox import automation
from app.inbox.automation import after_inbound
from app.inbox.settings import add_keyword, settings_of
from app.jobs import enqueue
from app.models import ChannelKind, Direction, Message, MessageKind, MessageStatus
from tests.factories import make_channel, make_contact, make_conversation, make_inbound

SUNDAY_NOON = datetime(2026, 11, 22, 12, 0)  # UTC
MONDAY_TEN = datetime(2026, 11, 23, 10, 0)


@pytest.fixture
def conversation(workspace):
    channel = make_channel(workspace, ChannelKind.TELEGRAM, credentials={"bot_token": "123:ABC"})
    return make_conversation(channel, make_contact(workspace, channel, external_id="55501"))


@pytest.fixture
def away(workspace):
    settings = settings_of(workspace)
    settings.away_enabled, settings.away_text, settings.away_period_hours = True, "We're closed now.", 12
    db.session.commit()
    return settings


def _autos(conversation_id):
    return db.session.query(Message).filter_by(conversation_id=conversation_id, kind=MessageKind.AUTO).all()


def test_business_hours_follow_the_workspace_time_zone(workspace, away):
    assert automation.is_open(away, "UTC", MONDAY_TEN)
    assert not automation.is_open(away, "UTC", SUNDAY_NOON)
    assert not automation.is_open(away, "America/Mexico_City", MONDAY_TEN)  # 04:00 there


def test_away_reply_is_sent_once_per_period(workspace, away, conversation, providers, run_jobs):
    first = make_inbound(conversation, "Hello?", at=SUNDAY_NOON)
    replies = automation.plan_replies(first, now=SUNDAY_NOON)
    db.session.commit()
    assert [r.text for r in replies] == ["We're closed now."]
    assert replies[0].direction == Direction.OUT and replies[0].meta["automation"] == "away"
    replies[0].created_at = SUNDAY_NOON  # as if it had been sent then
    db.session.commit()
    second = make_inbound(conversation, "Anyone?", at=SUNDAY_NOON + timedelta(hours=1))
    assert automation.plan_replies(second, now=SUNDAY_NOON + timedelta(hours=1)) == []
    later = make_inbound(conversation, "Still?", at=SUNDAY_NOON + timedelta(hours=13))
    assert len(automation.plan_replies(later, now=SUNDAY_NOON + timedelta(hours=13))) == 1


def test_no_away_reply_inside_business_hours(workspace, away, conversation):
    message = make_inbound(conversation, "Hi", at=MONDAY_TEN)
    assert automation.plan_replies(message, now=MONDAY_TEN) == []


def test_keyword_reply_goes_out_through_the_worker_once(workspace, conversation, providers, run_jobs):
    add_keyword(workspace, "hours", "Open 8 to 8, every day.")
    db.session.commit()
    message = make_inbound(conversation, "What are your HOURS today?")
    conversation_id, message_id = conversation.id, message.id
    enqueue(after_inbound, message_id)
    enqueue(after_inbound, message_id)  # a replay answers nothing new
    run_jobs()
    [reply] = _autos(conversation_id)
    assert reply.text == "Open 8 to 8, every day." and reply.status == MessageStatus.SENT
    assert [c["json"]["text"] for c in providers.calls_to("sendMessage")] == ["Open 8 to 8, every day."]


def test_keyword_matches_whole_words_only(workspace, conversation):
    add_keyword(workspace, "menu", "Here is our menu.")
    db.session.commit()
    assert automation.matching_rule(workspace.id, "do you have a menu?") is not None
    assert automation.matching_rule(workspace.id, "menudo please") is None


def test_automation_is_logged_on_the_conversation_as_automatic(client, login_as, workspace, owner, conversation):
    add_keyword(workspace, "price", "Prices are on our website.")
    db.session.commit()
    message = make_inbound(conversation, "price?")
    automation.plan_replies(message)
    db.session.commit()
    login_as(owner, workspace)
    html = client.get(f"/inbox/{conversation.id}").get_data(as_text=True)
    assert "Automatic reply" in html and "kind-auto" in html


def test_automation_respects_channel_rules(workspace, conversation):
    from app.models import ConsentStatus
    from app.privacy.consent import record_consent

    sms = make_channel(workspace, ChannelKind.SMS)
    contact = make_contact(workspace, sms)
    sms_conversation = make_conversation(sms, contact)
    record_consent(contact, ChannelKind.SMS, ConsentStatus.WITHDRAWN, "keyword", "STOP")
    add_keyword(workspace, "stop", "You will get no more messages.")
    db.session.commit()
    assert automation.plan_replies(make_inbound(sms_conversation, "STOP")) == []


def test_admins_edit_automation_in_settings(client, login_as, workspace, owner):
    login_as(owner, workspace)
    data = {"away_enabled": "y", "away_text": "Back soon", "away_period_hours": "6", "mon_open": "08:00"}
    data["mon_close"] = "18:00"
    assert client.post("/inbox/settings/automation", data=data).status_code == 302
    settings = settings_of(workspace)
    db.session.refresh(settings)
    assert settings.away_enabled and settings.away_period_hours == 6
    assert settings.business_hours == {"mon": ["08:00", "18:00"]}


def test_agents_cannot_open_inbox_settings(client, login_as, workspace):
    from app.models import Role
    from tests.factories import make_member

    login_as(make_member(workspace, Role.AGENT), workspace)
    assert client.get("/inbox/settings").status_code == 403
