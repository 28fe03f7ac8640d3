"""`flask demo seed`: a working inbox on every channel in the first minute."""

import json

import sqlalchemy as sa

from app.extensions import db
from app.models import Channel, ChannelKind, ChannelStatus, Conversation, Message


def test_demo_seed_fills_a_new_workspace_on_every_channel(runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    kinds = set(db.session.scalars(sa.select(Channel.kind).where(Channel.workspace_id == summary["workspace_id"])))
    assert kinds == set(ChannelKind)
    assert db.session.scalar(sa.select(sa.func.count(Channel.id)).where(Channel.status != ChannelStatus.ACTIVE)) == 0
    assert summary["conversations"] == db.session.scalar(sa.select(sa.func.count(Conversation.id))) >= 12
    assert summary["messages"] == db.session.scalar(sa.select(sa.func.count(Message.id)))


def test_demo_seed_into_an_existing_workspace_and_its_inbox_renders(runner, client, login_as, workspace, owner):
    result = runner.invoke(args=["demo", "seed", "--workspace", str(workspace.id)])
    assert result.exit_code == 0, result.output
    login_as(owner, workspace)
    html = client.get("/inbox?status=all").get_data(as_text=True)
    assert "María López" in html and "James Carter" in html


def test_demo_seed_refuses_an_unknown_workspace(runner):
    result = runner.invoke(args=["demo", "seed", "--workspace", "9999"])
    assert result.exit_code != 0 and "no workspace" in result.output
