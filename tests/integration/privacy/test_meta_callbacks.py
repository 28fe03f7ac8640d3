"""POST /meta/data-deletion and /meta/deauthorize (CONTRACT §3, §5) with real signed requests."""

import json

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, ChannelKind, ChannelStatus, DeletionRequest, FacebookConnection
from tests.factories import make_channel, make_user, make_workspace
from tests.fakes.signed_request import b64url, signed_request
from tests.integration.privacy.conftest import APP_SECRET


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_valid_request_answers_status_url_and_code(client, meta_app, db):
    response = client.post("/meta/data-deletion", data={"signed_request": signed_request("10001", APP_SECRET)})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"url", "confirmation_code"}
    assert body["url"] == f"http://localhost/data-deletion/{body['confirmation_code']}"
    assert len(body["confirmation_code"]) >= 22  # ≥ 128 bits in base64url
    stored = db.session.scalar(sa.select(DeletionRequest))
    assert stored.code == body["confirmation_code"] and stored.subject == "10001"


def test_repeated_callback_returns_the_same_code_while_open(client, meta_app, db):
    first = client.post("/meta/data-deletion", data={"signed_request": signed_request("10001", APP_SECRET)})
    again = client.post("/meta/data-deletion", data={"signed_request": signed_request("10001", APP_SECRET)})
    other = client.post("/meta/data-deletion", data={"signed_request": signed_request("20002", APP_SECRET)})
    assert first.get_json() == again.get_json()
    assert other.get_json()["confirmation_code"] != first.get_json()["confirmation_code"]
    assert _count(db, DeletionRequest) == 2


def _tampered() -> str:
    signature, payload = signed_request("10001", APP_SECRET).split(".")
    forged = b64url(json.dumps({"algorithm": "HMAC-SHA256", "user_id": "99999", "issued_at": 1}).encode())
    return f"{signature}.{forged}"


BAD_REQUESTS = {
    "missing": None,
    "empty": "",
    "wrong secret": signed_request("10001", "not-the-secret"),
    "payload swapped": _tampered(),
    "wrong algorithm": signed_request("10001", APP_SECRET, algorithm="HMAC-SHA1"),
    "no dot": signed_request("10001", APP_SECRET).replace(".", ""),
    "truncated": signed_request("10001", APP_SECRET)[:-7],
    "not base64": "!!!.???",
    "not json": b64url(b"x") + "." + b64url(b"not json"),
    "no user id": signed_request("", APP_SECRET),
    "padding only": ".",
}


@pytest.mark.parametrize("label", BAD_REQUESTS)
@pytest.mark.parametrize("route", ["/meta/data-deletion", "/meta/deauthorize"])
def test_bad_signed_requests_are_400_json_and_store_nothing(client, meta_app, db, route, label):
    value = BAD_REQUESTS[label]
    data = {} if value is None else {"signed_request": value}
    response = client.post(route, data=data)
    assert response.status_code == 400
    assert set(response.get_json()) == {"error"}
    assert "Traceback" not in response.get_data(as_text=True)
    assert _count(db, DeletionRequest) == 0


def test_huge_body_is_refused_with_json(client, meta_app, db):
    response = client.post("/meta/data-deletion", data={"signed_request": "a" * 100_000})
    assert response.status_code in (400, 413)
    assert "error" in response.get_json()
    assert _count(db, DeletionRequest) == 0


def test_without_app_secret_nothing_is_accepted(client, app):
    app.config["META_APP_SECRET"] = None
    response = client.post("/meta/data-deletion", data={"signed_request": signed_request("1", APP_SECRET)})
    assert response.status_code == 400


def test_deauthorize_removes_the_connection_and_disconnects_its_channels(client, meta_app, db):
    member = make_user()
    workspace = make_workspace()
    connection = FacebookConnection(user_id=member.id, facebook_user_id="777")
    connection.token = "user-token"
    db.session.add(connection)
    theirs = make_channel(workspace, ChannelKind.MESSENGER, settings={"facebook_user_id": "777"})
    other = make_channel(workspace, ChannelKind.MESSENGER, settings={"facebook_user_id": "888"})
    db.session.commit()
    response = client.post("/meta/deauthorize", data={"signed_request": signed_request("777", APP_SECRET)})
    assert response.status_code == 200
    db.session.expire_all()
    assert _count(db, FacebookConnection) == 0
    assert theirs.status == ChannelStatus.DISCONNECTED and theirs.credentials == {}
    assert other.status == ChannelStatus.ACTIVE and other.credentials
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "privacy.deauthorized"))
