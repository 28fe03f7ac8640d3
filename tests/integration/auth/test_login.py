"""Sign-in, throttling per account and per address, and ending sessions."""

import re

import sqlalchemy as sa

from app.models import AuditEvent
from tests.factories import PASSWORD, make_user


def _login(client, email, password, address="10.0.0.1"):
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


def test_login_with_right_password_signs_in(client, workspace, owner):
    response = _login(client, owner.email, PASSWORD)
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200


def test_wrong_password_is_refused_with_a_clear_message(client, owner):
    response = _login(client, owner.email, "wrong password!")
    assert response.status_code == 401
    assert "Wrong e-mail or password." in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_five_failures_lock_the_account_even_with_the_right_password(client, owner, db):
    for _ in range(5):
        _login(client, owner.email, "wrong password!")
    response = _login(client, owner.email, PASSWORD, address="10.9.9.9")
    assert response.status_code == 401
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    failures = db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "login.failed")
    )
    assert failures == 5


def test_lock_ends_after_the_lock_time(client, owner, app):
    app.config["LOGIN_LOCK_SECONDS"] = 0
    for _ in range(5):
        _login(client, owner.email, "wrong password!")
    assert _login(client, owner.email, PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_throttled(client, db):
    users = [make_user() for _ in range(21)]
    for user in users[:20]:
        _login(client, user.email, "wrong password!", address="10.1.1.1")
    response = _login(client, users[20].email, PASSWORD, address="10.1.1.1")
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    assert _login(client, users[20].email, PASSWORD, address="10.2.2.2").status_code == 302


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client):
    response = _login(client, "nobody@example.com", "whatever password")
    assert "Wrong e-mail or password." in response.get_data(as_text=True)


def test_log_out_everywhere_ends_other_sessions(app, owner, workspace):
    laptop, phone = app.test_client(), app.test_client()
    _login(laptop, owner.email, PASSWORD)
    _login(phone, owner.email, PASSWORD)
    assert phone.get("/dashboard").status_code == 200
    laptop.post("/profile/sessions/end")
    assert phone.get("/dashboard").status_code == 302
    assert laptop.get("/dashboard").status_code == 302


def test_logout_requires_post(client, owner):
    _login(client, owner.email, PASSWORD)
    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert client.get("/dashboard").status_code == 302


def test_next_parameter_cannot_redirect_elsewhere(client, owner):
    response = client.post("/login?next=//evil.example/x", data={"email": owner.email, "password": PASSWORD})
    assert response.headers["Location"] == "/dashboard"


def test_session_cookie_is_httponly(client, owner):
    response = _login(client, owner.email, PASSWORD)
    cookie = response.headers.get("Set-Cookie", "")
    assert re.search(r"HttpOnly", cookie)
    assert "SameSite=Lax" in cookie
