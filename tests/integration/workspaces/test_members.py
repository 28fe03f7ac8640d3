"""Invitations, roles and removal; the last owner always stays."""

import re

import sqlalchemy as sa

from app.models import Membership, Role, User
from app.workspaces import members
from tests.factories import make_member, make_user, make_workspace, member_of, membership


def _invite_link(caplog, email) -> str:
    mails = [r.getMessage() for r in caplog.records if f"To: {email}" in r.getMessage()]
    assert mails, "no invitation e-mail was written"
    return re.search(r"http://localhost(/invite/\S+)", mails[-1]).group(1)


def test_invited_newcomer_creates_an_account_and_joins_with_the_role(
    app, client, workspace, owner, login_as, run_jobs, caplog, db
):
    login_as(owner, workspace)
    response = client.post("/workspace/members/invite", data={"email": "Luis@Example.com", "role": "admin"})
    assert response.status_code == 302
    run_jobs()
    link = _invite_link(caplog, "luis@example.com")
    newcomer = app.test_client()
    assert "Join" in newcomer.get(link).get_data(as_text=True)
    response = newcomer.post(
        link,
        data={"name": "Luis", "password": "luis long password", "accept_terms": "y", "confirm_age": "y"},
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "luis@example.com"))
    assert membership(workspace, user).role == Role.ADMIN
    assert newcomer.get("/workspace/members").status_code == 200
    # Single use: the same link no longer works.
    again = app.test_client().get(link)
    assert again.status_code == 302 and "/login" in again.headers["Location"]


def test_existing_person_joins_a_second_workspace_and_can_switch(client, workspace, owner, login_as, db):
    second = make_workspace(name="Second shop")
    _, raw = members.invite(second, owner.email, Role.AGENT, member_of(second))
    db.session.commit()
    login_as(owner, workspace)
    assert "Join Second shop" in client.get(f"/invite/{raw}").get_data(as_text=True)
    client.post(f"/invite/{raw}")
    assert membership(second, owner).role == Role.AGENT
    client.post(f"/workspace/switch/{workspace.id}")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Switch to Second shop" in page
    assert client.post(f"/workspace/switch/{second.id}").status_code == 302
    assert "Second shop" in client.get("/dashboard").get_data(as_text=True).split("<main")[1][:400]


def test_switching_to_a_workspace_you_are_not_in_is_404(client, workspace, owner, login_as):
    stranger_workspace = make_workspace()
    login_as(owner, workspace)
    assert client.post(f"/workspace/switch/{stranger_workspace.id}").status_code == 404


def test_expired_invitation_is_refused(app, client, workspace, owner, login_as, db):
    app.config["INVITATION_SECONDS"] = -1
    _, raw = members.invite(workspace, "late@example.com", Role.AGENT, owner)
    db.session.commit()
    response = app.test_client().get(f"/invite/{raw}")
    assert response.status_code == 302


def test_inviting_an_existing_member_says_so(client, workspace, owner, login_as):
    login_as(owner, workspace)
    response = client.post("/workspace/members/invite", data={"email": owner.email, "role": "agent"})
    assert response.status_code == 400
    assert "already a member" in response.get_data(as_text=True)


def test_bad_invite_keeps_what_was_typed(client, workspace, owner, login_as):
    login_as(owner, workspace)
    response = client.post("/workspace/members/invite", data={"email": "not an email", "role": "agent"})
    assert response.status_code == 400
    assert 'value="not an email"' in response.get_data(as_text=True)


def test_last_owner_can_be_neither_demoted_nor_removed(client, workspace, owner, login_as, db):
    login_as(owner, workspace)
    mine = membership(workspace, owner)
    client.post(f"/workspace/members/{mine.id}/role", data={"role": "agent"})
    client.post(f"/workspace/members/{mine.id}/remove")
    db.session.expire_all()
    assert membership(workspace, owner).role == Role.OWNER


def test_owner_changes_roles_and_removes_members(client, workspace, owner, login_as, db):
    agent = make_member(workspace, Role.AGENT)
    login_as(owner, workspace)
    theirs = membership(workspace, agent)
    client.post(f"/workspace/members/{theirs.id}/role", data={"role": "admin"})
    db.session.expire_all()
    assert membership(workspace, agent).role == Role.ADMIN
    client.post(f"/workspace/members/{theirs.id}/remove")
    db.session.expire_all()
    assert membership(workspace, agent) is None


def test_admin_cannot_make_owners(client, workspace, login_as, db):
    admin = make_member(workspace, Role.ADMIN)
    agent = make_member(workspace, Role.AGENT)
    login_as(admin, workspace)
    client.post(f"/workspace/members/{membership(workspace, agent).id}/role", data={"role": "owner"})
    db.session.expire_all()
    assert membership(workspace, agent).role == Role.AGENT


def test_agents_cannot_manage_members(client, workspace, login_as):
    agent = make_member(workspace, Role.AGENT)
    login_as(agent, workspace)
    assert client.get("/workspace/members").status_code == 403
    assert client.post("/workspace/members/invite", data={"email": "x@example.com", "role": "agent"}).status_code == 403


def test_owner_sees_the_audit_log_without_content(client, workspace, owner, login_as):
    login_as(owner, workspace)
    client.post("/workspace/members/invite", data={"email": "new@example.com", "role": "agent"})
    page = client.get("/workspace/audit").get_data(as_text=True)
    assert "member.invited" in page
    assert "workspace.created" in client.get("/workspace/audit?action=workspace").get_data(as_text=True)
    admin = make_member(workspace, Role.ADMIN)
    login_as(admin, workspace)
    assert client.get("/workspace/audit").status_code == 403


def test_settings_validate_time_zone(client, workspace, owner, login_as, db):
    login_as(owner, workspace)
    response = client.post(
        "/workspace/settings", data={"name": "New name", "timezone": "Mars/Olympus", "default_country": "MX"}
    )
    assert response.status_code == 400
    assert "Choose a time zone from the list." in response.get_data(as_text=True)
    client.post(
        "/workspace/settings", data={"name": "New name", "timezone": "America/Santiago", "default_country": "cl"}
    )
    db.session.expire_all()
    assert (workspace.name, workspace.timezone, workspace.default_country) == ("New name", "America/Santiago", "CL")


def test_new_workspace_makes_its_creator_owner(client, workspace, owner, login_as, db):
    login_as(owner, workspace)
    client.post("/workspace/new", data={"name": "Branch office"})
    roles = db.session.scalars(sa.select(Membership.role).where(Membership.user_id == owner.id)).all()
    assert sorted(roles) == [Role.OWNER, Role.OWNER]


def test_user_without_workspace_sees_how_to_start(client, login_as):
    loner = make_user()
    login_as(loner)
    assert "You are not in any workspace" in client.get("/dashboard").get_data(as_text=True)
