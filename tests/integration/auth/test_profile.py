"""The profile: preferences, marketing consent history, password change and API tokens."""

import sqlalchemy as sa

from app.auth import api_tokens
from app.models import ApiToken, AuditEvent, MarketingConsentEvent, hash_token
from tests.factories import PASSWORD, membership


def test_marketing_consent_can_be_withdrawn_and_every_change_is_kept(client, workspace, owner, login_as, db):
    login_as(owner, workspace)
    form = {"name": owner.name, "locale": "es", "timezone": "America/Santiago"}
    client.post("/profile", data={**form, "marketing": "y"})
    client.post("/profile", data=form)
    history = db.session.scalars(
        sa.select(MarketingConsentEvent)
        .where(MarketingConsentEvent.user_id == owner.id)
        .order_by(MarketingConsentEvent.id)
    ).all()
    assert [(e.granted, e.source) for e in history] == [(False, "signup"), (True, "profile"), (False, "profile")]
    db.session.expire_all()
    assert (owner.locale, owner.timezone) == ("es", "America/Santiago")


def test_profile_rejects_an_unknown_time_zone(client, workspace, owner, login_as):
    login_as(owner, workspace)
    response = client.post("/profile", data={"name": owner.name, "locale": "en", "timezone": "Nowhere/Else"})
    assert response.status_code == 400
    assert "Choose a time zone from the list." in response.get_data(as_text=True)


def test_api_token_is_shown_once_and_stored_hashed(client, workspace, owner, login_as, db):
    login_as(owner, workspace)
    page = client.post("/profile/tokens", data={"token_name": "Zapier"}).get_data(as_text=True)
    token = db.session.scalar(sa.select(ApiToken))
    raw = page.split('<code class="token" data-select-all>')[1].split("</code>")[0]
    assert raw.startswith("cnv_") and token.token_hash == hash_token(raw)
    assert raw not in client.get("/profile").get_data(as_text=True)
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.action == "api_token.created"))


def test_revoked_token_no_longer_authenticates(client, workspace, owner, login_as, db):
    token, raw = api_tokens.create_token(membership(workspace, owner), "CRM")
    db.session.commit()
    assert api_tokens.membership_for_token(raw).workspace_id == workspace.id
    login_as(owner, workspace)
    client.post(f"/profile/tokens/{token.id}/revoke")
    db.session.expire_all()
    assert api_tokens.membership_for_token(raw) is None


def test_password_change_needs_the_current_password(client, workspace, owner, login_as):
    login_as(owner, workspace)
    response = client.post("/profile/password", data={"current": "not it at all", "password": "another long one"})
    assert "The current password is not right." in response.get_data(as_text=True)
    response = client.post("/profile/password", data={"current": PASSWORD, "password": "another long one"})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200  # this session survives
