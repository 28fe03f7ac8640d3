"""A member's own data and account closing, an owner closing the workspace, incident records."""

from datetime import timedelta

import sqlalchemy as sa

from app.auth import api_tokens
from app.extensions import db
from app.models import ApiToken, ChannelKind, ChannelStatus, Incident, Membership, Role, User, Workspace, utcnow
from tests.factories import PASSWORD, make_channel, make_member, membership


def test_member_downloads_their_account_data(client, login_as, workspace, owner):
    login_as(owner, workspace)
    response = client.get("/account/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    document = response.get_json()
    assert document["account"]["email"] == owner.email
    assert document["memberships"][0]["role"] == "owner"
    assert {a["document"] for a in document["policy_acceptances"]} == {"terms", "privacy"}


def test_member_closes_their_account(client, login_as, workspace):
    agent = make_member(workspace, Role.AGENT)
    agent_id = agent.id
    login_as(agent, workspace)
    refused = client.post("/account/close", data={"password": "wrong"})
    assert refused.status_code == 400
    closed = client.post("/account/close", data={"password": PASSWORD})
    assert closed.status_code == 302
    assert client.get("/dashboard").status_code == 302  # signed out for good
    db.session.expire_all()
    user = db.session.get(User, agent_id)
    assert user.closed_at is not None and not user.marketing_consent
    assert db.session.scalar(sa.select(Membership).where(Membership.user_id == agent_id)) is None


def test_sole_owner_must_close_the_workspace_first(client, login_as, workspace, owner):
    login_as(owner, workspace)
    response = client.post("/account/close", data={"password": PASSWORD})
    assert response.status_code == 400 and "only owner" in response.get_data(as_text=True)


def test_owner_closes_the_workspace(client, login_as, workspace, owner):
    channel = make_channel(workspace, ChannelKind.MESSENGER)
    token, _ = api_tokens.create_token(membership(workspace, owner), "t")
    db.session.commit()
    ids = (workspace.id, channel.id, token.id)
    login_as(owner, workspace)
    assert client.post("/workspace/close", data={"confirm_name": "wrong", "password": PASSWORD}).status_code == 400
    done = client.post("/workspace/close", data={"confirm_name": workspace.name, "password": PASSWORD})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Workspace, ids[0]).closed_at is not None
    assert db.session.get(type(channel), ids[1]).status == ChannelStatus.DISCONNECTED
    assert db.session.get(ApiToken, ids[2]).revoked_at is not None
    assert client.get("/workspace/settings").status_code == 404  # no open workspace left


def test_admins_cannot_close_the_workspace(client, login_as, workspace):
    login_as(make_member(workspace, Role.ADMIN), workspace)
    assert (
        client.post("/workspace/close", data={"confirm_name": workspace.name, "password": PASSWORD}).status_code == 403
    )


def test_incident_shows_the_24_hour_deadline_and_keeps_a_log(client, login_as, workspace, owner, redis):
    login_as(owner, workspace)
    detected = (utcnow() - timedelta(hours=30)).replace(second=0, microsecond=0)
    created = client.post(
        "/privacy/incidents",
        data={"title": "Laptop stolen", "detected_at": detected.strftime("%Y-%m-%dT%H:%M"), "involves_meta_data": "y"},
    )
    assert created.status_code == 302
    incident = db.session.scalar(sa.select(Incident))
    page = client.get(f"/privacy/incidents/{incident.id}").get_data(as_text=True)
    assert "Overdue" in page and (detected + timedelta(hours=24)).isoformat() in page
    client.post(
        f"/privacy/incidents/{incident.id}/notifications",
        data={"recipient": "meta", "method": "Platform form", "note": "ref 42"},
    )
    client.post(f"/privacy/incidents/{incident.id}/email-owners")
    page = client.get(f"/privacy/incidents/{incident.id}").get_data(as_text=True)
    assert "Meta was notified on" in page and "ref 42" in page and owner.email in page
    db.session.expire_all()
    assert [n.recipient for n in db.session.get(Incident, incident.id).notifications] == ["meta", "owners"]


def test_only_owners_see_incidents(client, login_as, workspace):
    login_as(make_member(workspace, Role.ADMIN), workspace)
    assert client.get("/privacy/incidents").status_code == 403
