"""Sign-up creates a workspace and its owner and records what the person agreed to."""

import sqlalchemy as sa

from app.models import AuditEvent, MarketingConsentEvent, Membership, PolicyAcceptance, Role, User, Workspace
from app.privacy.legal import current_version

FORM = {
    "name": "Ana Pérez",
    "email": "Ana@Example.com",
    "password": "a long enough password",
    "workspace_name": "Panadería Ana",
    "timezone": "America/Mexico_City",
    "accept_terms": "y",
    "confirm_age": "y",
}


def test_signup_creates_owner_workspace_and_records_acceptance(client, db):
    response = client.post("/signup", data=FORM)
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User))
    assert user.email == "ana@example.com"
    assert user.timezone == "America/Mexico_City"
    assert user.age_confirmed_at is not None
    membership = db.session.scalar(sa.select(Membership))
    assert membership.role == Role.OWNER
    assert db.session.get(Workspace, membership.workspace_id).name == "Panadería Ana"
    accepted = {(a.document, a.version) for a in db.session.scalars(sa.select(PolicyAcceptance))}
    assert accepted == {("terms", current_version("terms")), ("privacy", current_version("privacy"))}
    consent = db.session.scalars(sa.select(MarketingConsentEvent)).all()
    assert [(c.granted, c.source) for c in consent] == [(False, "signup")]
    assert client.get("/dashboard").status_code == 200


def test_marketing_consent_is_separate_and_optional(client, db):
    client.post("/signup", data={**FORM, "marketing": "y"})
    user = db.session.scalar(sa.select(User))
    assert user.marketing_consent is True


def test_signup_refuses_without_terms_or_age_and_keeps_what_was_typed(client, db):
    response = client.post("/signup", data={**FORM, "accept_terms": "", "confirm_age": ""})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "You need to accept the terms and the privacy policy." in page
    assert "You must be 18 or older to use Conversa." in page
    assert 'value="Panadería Ana"' in page
    assert 'value="ana@example.com"' in page.lower()
    assert "a long enough password" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_signup_with_taken_email_says_so(client, db):
    client.post("/signup", data=FORM)
    client.post("/logout", data={})
    other = client.application.test_client()
    response = other.post("/signup", data={**FORM, "email": "ana@example.com"})
    assert "An account with this e-mail already exists" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Workspace)) == 1


def test_signup_rejects_short_password_and_bad_email(client):
    response = client.post("/signup", data={**FORM, "password": "short", "email": "not-an-email"})
    page = response.get_data(as_text=True)
    assert "Use at least 10 characters." in page
    assert "Invalid email address." in page


def test_signup_is_audited(client, db):
    client.post("/signup", data=FORM)
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"workspace.created", "login.succeeded"} <= actions
