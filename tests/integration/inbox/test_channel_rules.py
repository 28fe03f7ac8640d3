"""Channel rules, enforced in the reply box (with the reason shown) and in the API (422 naming the rule)."""

from datetime import timedelta

import pytest

from app.auth.api_tokens import create_token
from app.extensions import db
from app.inbox.settings import settings_of
from app.models import ChannelKind, ConsentStatus, Direction, Message, MessageKind, MessageStatus, utcnow
from app.privacy.consent import record_consent
from tests.factories import make_channel, make_contact, make_conversation, make_inbound, membership


def _conversation(workspace, kind, hours_since_inbound, **channel_fields):
    channel = make_channel(workspace, kind, **channel_fields)
    contact = make_contact(workspace, channel, name=f"{kind.value} person")
    conversation = make_conversation(channel, contact)
    make_inbound(conversation, "hi", at=utcnow() - timedelta(hours=hours_since_inbound))
    return conversation


@pytest.fixture
def token(workspace, owner):
    _, raw = create_token(membership(workspace, owner), "rules")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def _outbound(conversation):
    return db.session.query(Message).filter_by(conversation_id=conversation.id, direction=Direction.OUT).all()


REFUSED = [
    (ChannelKind.MESSENGER, 30, "meta_24h_window", "24-hour window"),
    (ChannelKind.INSTAGRAM, 25, "meta_24h_window", "24-hour window"),
    (ChannelKind.WHATSAPP, 48, "whatsapp_24h_window", "only approved templates"),
]


@pytest.mark.parametrize(("kind", "hours", "rule", "words"), REFUSED)
def test_reply_outside_the_window_is_refused_in_the_ui(client, login_as, workspace, owner, kind, hours, rule, words):
    conversation = _conversation(workspace, kind, hours)
    login_as(owner, workspace)
    page = client.get(f"/inbox/{conversation.id}").get_data(as_text=True)
    assert f'data-rule="{rule}"' in page and words in page
    response = client.post(f"/inbox/{conversation.id}/reply", data={"text": "Still there?", "send": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and words in html and "Still there?</textarea>" in html
    assert _outbound(conversation) == []


@pytest.mark.parametrize(("kind", "hours", "rule", "words"), REFUSED)
def test_reply_outside_the_window_is_a_422_naming_the_rule_in_the_api(
    client, workspace, token, kind, hours, rule, words
):
    conversation = _conversation(workspace, kind, hours)
    response = client.post(f"/api/v1/conversations/{conversation.id}/messages", json={"text": "hi"}, headers=token)
    assert response.status_code == 422
    assert rule in response.get_json()["error"] and words in response.get_json()["error"]
    assert _outbound(conversation) == []


@pytest.mark.parametrize("kind", [ChannelKind.MESSENGER, ChannelKind.INSTAGRAM, ChannelKind.WHATSAPP])
def test_reply_inside_the_window_is_queued(client, workspace, token, kind):
    conversation = _conversation(workspace, kind, 23)
    response = client.post(f"/api/v1/conversations/{conversation.id}/messages", json={"text": "hi"}, headers=token)
    assert response.status_code == 202 and response.get_json()["message"]["status"] == "queued"


def test_messenger_human_agent_tag_allows_seven_days_when_enabled(client, workspace, token):
    conversation = _conversation(workspace, ChannelKind.MESSENGER, 24 * 5)
    url = f"/api/v1/conversations/{conversation.id}/messages"
    assert client.post(url, json={"text": "hi"}, headers=token).status_code == 422
    settings_of(workspace).human_agent_tag = True
    db.session.commit()
    response = client.post(url, json={"text": "Sorry for the wait"}, headers=token)
    assert response.status_code == 202
    [message] = _outbound(conversation)
    assert message.meta["tag"] == "HUMAN_AGENT"


def test_human_agent_tag_stops_after_seven_days(client, workspace, token):
    settings_of(workspace).human_agent_tag = True
    db.session.commit()
    conversation = _conversation(workspace, ChannelKind.MESSENGER, 24 * 8)
    response = client.post(f"/api/v1/conversations/{conversation.id}/messages", json={"text": "hi"}, headers=token)
    assert response.status_code == 422 and "meta_24h_window" in response.get_json()["error"]


def test_opted_out_sms_contact_cannot_be_messaged(client, login_as, workspace, owner, token):
    conversation = _conversation(workspace, ChannelKind.SMS, 1)
    record_consent(conversation.contact, ChannelKind.SMS, ConsentStatus.WITHDRAWN, "keyword", "STOP")
    db.session.commit()
    response = client.post(f"/api/v1/conversations/{conversation.id}/messages", json={"text": "hi"}, headers=token)
    assert response.status_code == 422 and "sms_opt_out" in response.get_json()["error"]
    login_as(owner, workspace)
    page = client.get(f"/inbox/{conversation.id}").get_data(as_text=True)
    assert "SMS opt-out" in page and "texting START" in page
    assert _outbound(conversation) == []


def test_whatsapp_outside_the_window_offers_approved_templates_only_and_sends_one(
    client, login_as, workspace, owner, providers, run_jobs
):
    conversation = _conversation(
        workspace, ChannelKind.WHATSAPP, 30, settings={"waba_id": "102290129340398"}, external_id="106540352242922"
    )
    login_as(owner, workspace)
    page = client.get(f"/inbox/{conversation.id}").get_data(as_text=True)
    assert "order_ready" in page and "spring_promo" not in page  # only APPROVED templates
    assert providers.calls_to("102290129340398/message_templates")
    data = {"template_name": "order_ready:en_US", "template_vars": "María | #1042", "send": "1"}
    assert client.post(f"/inbox/{conversation.id}/reply", data=data).status_code == 302
    conversation_id = conversation.id
    run_jobs()
    [message] = db.session.query(Message).filter_by(conversation_id=conversation_id, direction=Direction.OUT).all()
    assert message.kind == MessageKind.TEMPLATE and message.status == MessageStatus.SENT
    assert message.text == "Hi María, your order #1042 is ready for pickup."
    [sent] = providers.calls_to("106540352242922/messages")
    assert sent["json"]["type"] == "template"
    assert sent["json"]["template"] == {
        "name": "order_ready",
        "language": {"code": "en_US"},
        "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "María"}, {"type": "text", "text": "#1042"}]}
        ],
    }


def test_template_with_missing_values_is_refused_keeping_the_choice(client, login_as, workspace, owner, providers):
    conversation = _conversation(workspace, ChannelKind.WHATSAPP, 30, settings={"waba_id": "102290129340398"})
    login_as(owner, workspace)
    data = {"template_name": "order_ready:en_US", "template_vars": "María", "send": "1"}
    response = client.post(f"/inbox/{conversation.id}/reply", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "needs 2 values" in html
    assert 'value="order_ready:en_US" selected' in html and 'value="María"' in html


def test_notes_stay_possible_when_the_window_is_closed(client, login_as, workspace, owner):
    conversation = _conversation(workspace, ChannelKind.INSTAGRAM, 72)
    login_as(owner, workspace)
    client.post(f"/inbox/{conversation.id}/reply", data={"text": "Call her instead", "note": "1"})
    [note] = _outbound(conversation)
    assert note.kind == MessageKind.NOTE
