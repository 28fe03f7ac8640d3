"""No workspace sees another's data: every workspace-scoped URL with another workspace's ids is a 404."""

import pytest

from app.models import Role
from app.workspaces import members
from tests.factories import make_member, make_workspace, member_of, membership

# (method, url template) for every route that takes the id of a workspace-scoped row.
SCOPED_ROUTES = [
    ("POST", "/workspace/members/{membership_id}/role"),
    ("POST", "/workspace/members/{membership_id}/remove"),
    ("POST", "/workspace/invitations/{invitation_id}/revoke"),
    ("POST", "/workspace/switch/{workspace_id}"),
]


@pytest.mark.parametrize(("method", "template"), SCOPED_ROUTES)
def test_other_workspaces_ids_are_404(client, login_as, db, method, template):
    mine = make_workspace(name="Mine")
    theirs = make_workspace(name="Theirs")
    their_agent = make_member(theirs, Role.AGENT)
    invitation, _ = members.invite(theirs, "someone@example.com", Role.AGENT, member_of(theirs))
    db.session.commit()
    ids = {
        "membership_id": membership(theirs, their_agent).id,
        "invitation_id": invitation.id,
        "workspace_id": theirs.id,
    }
    login_as(member_of(mine), mine)
    response = client.open(template.format(**ids), method=method, data={"role": "owner"})
    assert response.status_code == 404
    db.session.expire_all()
    assert membership(theirs, their_agent).role == Role.AGENT
    assert invitation.revoked_at is None


PROTECTED_PAGES = ["/dashboard", "/profile", "/workspace/members", "/workspace/settings", "/workspace/audit"]


@pytest.mark.parametrize("url", PROTECTED_PAGES)
def test_protected_pages_need_a_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_members_page_lists_only_this_workspaces_people(client, login_as):
    mine = make_workspace(name="Mine")
    theirs = make_workspace(name="Theirs")
    stranger = make_member(theirs, Role.ADMIN, name="Stranger Danger")
    login_as(member_of(mine), mine)
    page = client.get("/workspace/members").get_data(as_text=True)
    assert stranger.email not in page and "Stranger Danger" not in page
