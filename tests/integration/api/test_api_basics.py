"""The API's ground rules: bearer tokens, one workspace per token, JSON errors, OpenAPI."""

import re

import pytest

from app.api.openapi import PATHS
from app.auth.api_tokens import create_token, revoke_token
from app.extensions import db
from app.models import ApiToken
from tests.factories import make_workspace, membership


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def token(workspace, owner):
    _, raw = create_token(membership(workspace, owner), "integration")
    db.session.commit()
    return raw


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer cnv_unknown", "Basic dXNlcjpwYXNz"])
def test_requests_without_a_valid_token_get_401_json(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/workspace", headers=headers)
    assert response.status_code == 401
    assert "error" in response.get_json()


def test_token_acts_in_its_own_workspace(client, workspace, token):
    make_workspace(name="Another business")
    response = client.get("/api/v1/workspace", headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["id"] == workspace.id


def test_revoked_token_stops_working(client, workspace, owner, token):
    member = membership(workspace, owner)
    revoke_token(member, db.session.query(ApiToken.id).scalar())
    db.session.commit()
    assert client.get("/api/v1/workspace", headers=bearer(token)).status_code == 401


def test_api_sets_no_session_cookie(client, token):
    response = client.get("/api/v1/workspace", headers=bearer(token))
    assert "Set-Cookie" not in response.headers


def test_openapi_document_describes_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi_document":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((path, method.lower()))
    documented = {(path, method) for path, operations in document["paths"].items() for method in operations}
    assert routes and routes == documented
    assert set(PATHS) == set(document["paths"])


def test_workspace_endpoint_shows_plan_limits_and_usage(client, workspace, token):
    body = client.get("/api/v1/workspace", headers=bearer(token)).get_json()
    assert set(body) == {"id", "name", "plan", "subscription_status", "trial_ends_at", "limits", "usage"}
    assert body["subscription_status"] == "trialing"
    assert set(body["limits"]) == {"seats", "channels", "messages_per_month"}
    assert body["usage"] == {"seats": 1, "channels": 0, "messages_this_month": 0}
