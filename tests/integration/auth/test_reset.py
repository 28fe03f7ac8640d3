"""Password reset by one-time link, sent through the mail job."""

import re

from tests.factories import PASSWORD


def _reset_link(caplog) -> str:
    mails = [r.getMessage() for r in caplog.records if "Subject: Reset your Conversa password" in r.getMessage()]
    assert mails, "no reset e-mail was written"
    return re.search(r"http://localhost(/reset/\S+)", mails[-1]).group(1)


def test_reset_link_sets_a_new_password_once(client, owner, run_jobs, caplog):
    response = client.post("/forgot-password", data={"email": owner.email})
    assert response.status_code == 302
    run_jobs()
    link = _reset_link(caplog)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": "a brand new password", "confirm": "a brand new password"})
    assert response.status_code == 302
    assert client.post("/login", data={"email": owner.email, "password": PASSWORD}).status_code == 401
    assert client.post("/login", data={"email": owner.email, "password": "a brand new password"}).status_code == 302
    client.post("/logout")
    reused = client.get(link)
    assert reused.status_code == 302 and "/forgot-password" in reused.headers["Location"]


def test_reset_does_not_reveal_whether_an_address_exists(client, owner, run_jobs, caplog):
    known = client.post("/forgot-password", data={"email": owner.email}, follow_redirects=True)
    unknown = client.post("/forgot-password", data={"email": "nobody@example.com"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    message = "If an account exists for that address"
    assert message in known.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    run_jobs()
    assert not [r for r in caplog.records if "nobody@example.com" in r.getMessage()]


def test_expired_reset_link_is_refused(client, owner, app, run_jobs, caplog):
    app.config["RESET_TOKEN_SECONDS"] = -1
    client.post("/forgot-password", data={"email": owner.email})
    run_jobs()
    response = client.get(_reset_link(caplog))
    assert response.status_code == 302


def test_mismatched_passwords_are_reported(client, owner, run_jobs, caplog):
    client.post("/forgot-password", data={"email": owner.email})
    run_jobs()
    response = client.post(_reset_link(caplog), data={"password": "a brand new password", "confirm": "different one!!"})
    assert "The passwords differ." in response.get_data(as_text=True)
