"""Every inbox URL with another workspace's ids is a 404, and nothing changes there."""

import pytest

from app.inbox.settings import add_canned, add_keyword
from app.models import Attachment, AttachmentState, ConversationStatus, Direction, MessageStatus
from tests.factories import (
    make_channel,
    make_conversation,
    make_inbound,
    make_label,
    make_message,
    make_workspace,
    member_of,
)

ROUTES = [
    ("GET", "/inbox/{conversation}"),
    ("GET", "/inbox/{conversation}/thread"),
    ("GET", "/inbox/{conversation}/panel"),
    ("POST", "/inbox/{conversation}/reply"),
    ("POST", "/inbox/{conversation}/assign"),
    ("POST", "/inbox/{conversation}/status"),
    ("POST", "/inbox/{conversation}/snooze"),
    ("POST", "/inbox/{conversation}/labels"),
    ("POST", "/inbox/{conversation}/messages/{message}/retry"),
    ("GET", "/inbox/attachments/{attachment}"),
    ("POST", "/inbox/settings/label/{label}/remove"),
    ("POST", "/inbox/settings/canned/{canned}/remove"),
    ("POST", "/inbox/settings/keyword/{keyword}/remove"),
]


@pytest.mark.parametrize(("method", "template"), ROUTES)
def test_other_workspaces_ids_are_404(client, login_as, db, method, template):
    mine = make_workspace(name="Mine")
    theirs = make_workspace(name="Theirs")
    conversation = make_conversation(make_channel(theirs))
    make_inbound(conversation, "private")
    failed = make_message(conversation, Direction.OUT, status=MessageStatus.FAILED, error="x")
    attachment = Attachment(workspace_id=theirs.id, message_id=failed.id, state=AttachmentState.STORED, storage_key="k")
    db.session.add(attachment)
    canned, keyword = add_canned(theirs, "hi", "Hello"), add_keyword(theirs, "hi", "Hello")
    db.session.commit()
    ids = {
        "conversation": conversation.id,
        "message": failed.id,
        "attachment": attachment.id,
        "label": make_label(theirs).id,
        "canned": canned.id,
        "keyword": keyword.id,
    }
    login_as(member_of(mine), mine)
    data = {"text": "hijack", "status": "resolved", "assignee_id": "me", "until": "2999-01-01T10:00"}
    response = client.open(template.format(**ids), method=method, data=data)
    assert response.status_code == 404
    db.session.expire_all()
    assert conversation.status == ConversationStatus.OPEN and conversation.assignee_id is None
    assert failed.status == MessageStatus.FAILED
