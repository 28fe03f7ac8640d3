"""Channel pages: admins connect and disconnect; agents and other workspaces cannot; secrets stay hidden."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from app.models import (
    AuditEvent,
    Channel,
    ChannelKind,
    ChannelStatus,
    FacebookConnection,
    Role,
    WebhookEvent,
    WebhookStatus,
)
from tests.factories import make_channel, make_member, make_workspace, member_of
from tests.fakes.provider_server import FACEBOOK_USER_ID
from tests.webhook_client import connect_sample_channel, post_sample


def test_admin_connects_a_telegram_bot_and_sees_its_webhook_url(client, db, login_as, providers, workspace):
    login_as(member_of(workspace), workspace)
    response = client.post("/channels/new/telegram", data={"name": "Shop bot", "bot_token": "123:SECRETTOKEN"})
    channel = db.session.scalar(sa.select(Channel))
    assert response.status_code == 302
    page = client.get(f"/channels/{channel.id}").get_data(as_text=True)
    assert f"http://localhost/webhooks/telegram/{channel.key}" in page
    assert "@aurora_shop_bot" in page
    assert "SECRETTOKEN" not in page and channel.credentials["webhook_secret"] not in page
    assert "SECRETTOKEN" not in client.get("/channels/").get_data(as_text=True)


def test_refused_token_shows_the_providers_reason_and_saves_nothing(client, db, login_as, providers, workspace):
    login_as(member_of(workspace), workspace)
    response = client.post("/channels/new/telegram", data={"name": "Shop bot", "bot_token": "bad-token"})
    assert response.status_code == 200
    assert "Unauthorized" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Channel)) == 0


def test_email_connect_tests_smtp_and_shows_the_inbound_token_once(
    client, db, login_as, providers, workspace, smtp_server
):
    login_as(member_of(workspace), workspace)
    data = {
        "name": "Soporte",
        "address": "hola@aurora.example",
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_server.port,
        "smtp_username": "aurora",
        "smtp_password": "smtp-password",
        "smtp_security": "none",
    }
    first = client.post("/channels/new/email", data=data).get_data(as_text=True)
    channel = db.session.scalar(sa.select(Channel))
    token = channel.credentials["inbound_token"]
    assert token in first and channel.status == ChannelStatus.ACTIVE
    assert token not in client.get(f"/channels/{channel.id}").get_data(as_text=True)
    assert "smtp-password" not in first


def test_disconnect_keeps_history_and_stops_webhooks(client, db, login_as, providers, workspace):
    channel = connect_sample_channel(workspace, ChannelKind.TELEGRAM)
    login_as(member_of(workspace), workspace)
    client.post(f"/channels/{channel.id}/disconnect")
    db.session.refresh(channel)
    assert channel.status == ChannelStatus.DISCONNECTED
    assert post_sample(client, channel, "text", providers).status_code == 404
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.action == "channel.disconnected"))


def test_unrouted_events_are_listed_for_admins(client, db, login_as, providers, run_jobs, workspace):
    db.session.add(
        WebhookEvent(source="meta", dedupe_key="x", payload={}, status=WebhookStatus.UNROUTED, route_id="99887766")
    )
    db.session.commit()
    login_as(member_of(workspace), workspace)
    assert "99887766" in client.get("/channels/").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/channels/", "/channels/new/telegram"])
def test_agents_cannot_manage_channels(client, login_as, workspace, url):
    login_as(make_member(workspace, Role.AGENT), workspace)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(("method", "template"), [("GET", "/channels/{id}"), ("POST", "/channels/{id}/disconnect")])
def test_other_workspaces_channels_are_404(client, db, login_as, workspace, method, template):
    theirs = make_channel(make_workspace(name="Theirs"))
    login_as(member_of(workspace), workspace)
    assert client.open(template.format(id=theirs.id), method=method).status_code == 404
    assert db.session.get(Channel, theirs.id).status == ChannelStatus.ACTIVE


def test_facebook_login_lists_pages_and_connects_the_chosen_one(client, db, login_as, providers, workspace):
    login_as(member_of(workspace), workspace)
    start = client.get("/channels/meta/start/messenger")
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert start.headers["Location"].startswith("https://www.facebook.com/v23.0/dialog/oauth")
    assert query["client_id"] == ["1234567890"] and "pages_messaging" in query["scope"][0]
    callback = client.get(f"/channels/meta/callback?code=AQBx123&state={query['state'][0]}")
    assert callback.headers["Location"].endswith("/channels/meta/pick")
    [exchange] = providers.calls_to("oauth/access_token")
    assert exchange["query"]["code"] == "AQBx123" and exchange["query"]["client_secret"]
    pick = client.get("/channels/meta/pick").get_data(as_text=True)
    assert "Café Aurora" in pick and "page-token-1122334455" not in pick
    client.post("/channels/meta/pick", data={"page_id": "1122334455"})
    channel = db.session.scalar(sa.select(Channel))
    assert (channel.kind, channel.external_id, channel.name) == (ChannelKind.MESSENGER, "1122334455", "Café Aurora")
    assert channel.credentials["access_token"] == "page-token-1122334455"
    assert providers.calls_to("1122334455/subscribed_apps")
    # Meta's deauthorize and data-deletion callbacks will name this person by their app-scoped id.
    connection = db.session.scalar(sa.select(FacebookConnection))
    assert connection.facebook_user_id == FACEBOOK_USER_ID and connection.token == "user-token-from-code"
    assert channel.settings["facebook_user_id"] == FACEBOOK_USER_ID


def test_facebook_callback_with_a_wrong_state_is_refused(client, db, login_as, providers, workspace):
    login_as(member_of(workspace), workspace)
    client.get("/channels/meta/start/messenger")
    response = client.get("/channels/meta/callback?code=AQBx123&state=forged")
    assert response.headers["Location"].endswith("/channels/")
    assert providers.calls == []
