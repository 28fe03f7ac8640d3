"""CONTRACT §4 conversations and messages: exact keys, filters, keyset pages, reply 202/422, PATCH, isolation."""

from datetime import timedelta

import pytest

from app.auth.api_tokens import create_token
from app.extensions import db
from app.models import (
    ChannelKind,
    Conversation,
    ConversationStatus,
    Direction,
    MessageKind,
    MessageStatus,
    Role,
    utcnow,
)
from tests.factories import (
    make_channel,
    make_contact,
    make_conversation,
    make_inbound,
    make_member,
    make_message,
    make_workspace,
    member_of,
    membership,
)


def _token(workspace, user):
    _, raw = create_token(membership(workspace, user), "api test")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def headers(workspace, owner):
    return _token(workspace, owner)


def _conversation(workspace, kind=ChannelKind.TELEGRAM, name="Ana", minutes_ago=0, text="hola"):
    channel = make_channel(workspace, kind)
    conversation = make_conversation(channel, make_contact(workspace, channel, name=name))
    make_inbound(conversation, text, at=utcnow() - timedelta(minutes=minutes_ago))
    return conversation


def test_list_has_the_contract_keys_newest_first(client, workspace, headers):
    older = _conversation(workspace, minutes_ago=5)
    newer = _conversation(workspace, ChannelKind.SMS, name="Bo")
    body = client.get("/api/v1/conversations", headers=headers).get_json()
    assert [c["id"] for c in body["conversations"]] == [newer.id, older.id]
    first = body["conversations"][0]
    assert {"id", "channel_id", "channel_type", "status", "unread_count", "last_message_at", "contact"} <= set(first)
    assert first["channel_type"] == "sms" and first["contact"] == {"id": newer.contact_id, "name": "Bo"}
    assert first["unread_count"] == 1 and first["status"] == "open" and body["next_cursor"] is None


def test_list_filters_by_channel_status_and_q(client, workspace, headers):
    sms = _conversation(workspace, ChannelKind.SMS, name="Carla", text="refund")
    _conversation(workspace, ChannelKind.EMAIL, name="Dan", text="thanks")
    sms.status = ConversationStatus.PENDING
    db.session.commit()

    def ids(query):
        return [
            c["id"] for c in client.get(f"/api/v1/conversations?{query}", headers=headers).get_json()["conversations"]
        ]

    assert ids(f"channel_id={sms.channel_id}") == [sms.id]
    assert ids("status=pending") == [sms.id]
    assert ids("q=refund") == [sms.id]
    assert ids("q=carla") == [sms.id]
    assert client.get("/api/v1/conversations?status=bogus", headers=headers).status_code == 400


def test_list_pages_with_limit_and_cursor(client, workspace, headers):
    made = [_conversation(workspace, minutes_ago=n) for n in range(5)]
    seen, url = [], "/api/v1/conversations?limit=2"
    while url:
        body = client.get(url, headers=headers).get_json()
        seen += [c["id"] for c in body["conversations"]]
        url = f"/api/v1/conversations?limit=2&cursor={body['next_cursor']}" if body["next_cursor"] else None
    assert seen == [c.id for c in made]


def test_messages_have_contract_keys_and_sending_shows_as_queued(client, workspace, headers):
    conversation = _conversation(workspace)
    make_message(conversation, Direction.OUT, text="out", status=MessageStatus.SENDING)
    make_message(conversation, Direction.OUT, text="secret note", kind=MessageKind.NOTE, status=MessageStatus.RECEIVED)
    body = client.get(f"/api/v1/conversations/{conversation.id}/messages", headers=headers).get_json()
    texts = [m["text"] for m in body["messages"]]
    assert "secret note" not in texts
    out = next(m for m in body["messages"] if m["text"] == "out")
    assert set(out) == {
        "id",
        "direction",
        "text",
        "status",
        "error",
        "provider_message_id",
        "created_at",
        "attachments",
    }
    assert out["status"] == "queued" and out["direction"] == "out"
    inbound = next(m for m in body["messages"] if m["direction"] == "in")
    assert inbound["status"] == "received"


def test_messages_page_newest_first(client, workspace, headers):
    conversation = _conversation(workspace)
    base = utcnow()
    for n in range(4):
        make_message(conversation, Direction.OUT, text=f"m{n}", created_at=base + timedelta(seconds=n + 1))
    body = client.get(f"/api/v1/conversations/{conversation.id}/messages?limit=2", headers=headers).get_json()
    assert [m["text"] for m in body["messages"]] == ["m3", "m2"] and body["next_cursor"]
    rest = client.get(
        f"/api/v1/conversations/{conversation.id}/messages?limit=10&cursor={body['next_cursor']}", headers=headers
    ).get_json()
    assert [m["text"] for m in rest["messages"]] == ["m1", "m0", "hola"] and rest["next_cursor"] is None


def test_post_message_answers_202_with_the_queued_message(client, workspace, headers):
    conversation = _conversation(workspace)
    response = client.post(
        f"/api/v1/conversations/{conversation.id}/messages", json={"text": "On its way"}, headers=headers
    )
    assert response.status_code == 202
    message = response.get_json()["message"]
    assert message["text"] == "On its way" and message["status"] == "queued" and message["direction"] == "out"


@pytest.mark.parametrize("body", [{"text": ""}, {"text": "   "}, {}, {"text": 5}])
def test_post_message_with_bad_text_is_422(client, workspace, headers, body):
    conversation = _conversation(workspace)
    response = client.post(f"/api/v1/conversations/{conversation.id}/messages", json=body, headers=headers)
    assert response.status_code == 422 and "text" in response.get_json()["error"]


def test_patch_changes_status_and_assignee(client, workspace, headers):
    conversation = _conversation(workspace)
    agent = make_member(workspace, Role.AGENT)
    response = client.patch(
        f"/api/v1/conversations/{conversation.id}",
        json={"status": "resolved", "assignee_id": agent.id},
        headers=headers,
    )
    assert response.status_code == 200
    db.session.expire_all()
    found = db.session.get(Conversation, conversation.id)
    assert found.status == ConversationStatus.RESOLVED and found.assignee_id == agent.id
    response = client.patch(f"/api/v1/conversations/{conversation.id}", json={"assignee_id": None}, headers=headers)
    assert response.status_code == 200 and response.get_json()["conversation"]["assignee_id"] is None


@pytest.mark.parametrize("body", [{"status": "closed"}, {"assignee_id": "me"}, {"assignee_id": 999999}])
def test_patch_with_bad_values_is_422(client, workspace, headers, body):
    conversation = _conversation(workspace)
    response = client.patch(f"/api/v1/conversations/{conversation.id}", json=body, headers=headers)
    assert response.status_code == 422 and "error" in response.get_json()


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/messages"), ("POST", "/messages"), ("PATCH", "")],
)
def test_another_workspaces_conversation_is_404(client, workspace, headers, method, path):
    theirs = _conversation(make_workspace(name="Theirs"))
    response = client.open(
        f"/api/v1/conversations/{theirs.id}{path}", method=method, json={"text": "x", "status": "open"}, headers=headers
    )
    assert response.status_code == 404 and "error" in response.get_json()


def test_list_never_shows_another_workspaces_conversations(client, workspace, headers):
    _conversation(make_workspace(name="Theirs"))
    assert client.get("/api/v1/conversations", headers=headers).get_json()["conversations"] == []


def test_agent_tokens_can_read_and_reply(client, workspace):
    agent = make_member(workspace, Role.AGENT)
    conversation = _conversation(workspace)
    headers = _token(workspace, agent)
    assert client.get("/api/v1/conversations", headers=headers).status_code == 200
    response = client.post(f"/api/v1/conversations/{conversation.id}/messages", json={"text": "hi"}, headers=headers)
    assert response.status_code == 202
    assert member_of(workspace).id != agent.id
