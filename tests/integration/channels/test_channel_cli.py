"""`flask channel add` (CONTRACT §2): one JSON object on the last line, provider calls as written."""

from __future__ import annotations

import json

import pytest

from app.models import AuditEvent, Channel, ChannelStatus
from tests.fakes.provider_server import BAD_TOKEN


def _add(runner, workspace, kind, *pairs, name="Front desk"):
    args = ["channel", "add", "--workspace", str(workspace.id), "--type", kind, "--name", name]
    for pair in pairs:
        args += ["--set", pair]
    return runner.invoke(args=args)


def _last_json(result) -> dict:
    return json.loads(result.output.strip().splitlines()[-1])


def test_telegram_add_calls_getme_and_set_webhook_with_a_secret(runner, db, providers, workspace):
    result = _add(runner, workspace, "telegram", "bot_token=123:ABC")
    assert result.exit_code == 0, result.output
    out = _last_json(result)
    channel = db.session.get(Channel, out["id"])
    assert out == {
        "id": channel.id,
        "type": "telegram",
        "webhook_url": f"http://localhost/webhooks/telegram/{channel.key}",
        "status_url": None,
    }
    assert [c["path"].rsplit("/", 1)[-1] for c in providers.calls] == ["getMe", "setWebhook"]
    hook = providers.calls[1]["json"]
    assert hook["url"] == out["webhook_url"]
    assert hook["secret_token"] == channel.credentials["webhook_secret"] and len(hook["secret_token"]) >= 32
    assert channel.external_id == "7000000001"
    assert channel.rate_per_second == 30
    assert "123:ABC" not in result.output
    assert db.session.query(AuditEvent).filter_by(action="channel.connected").count() == 1


@pytest.mark.parametrize(
    ("kind", "pairs", "path"),
    [
        ("messenger", ["page_id=1122334455", "access_token=page-token"], "/graph/v23.0/1122334455/subscribed_apps"),
        (
            "instagram",
            ["ig_user_id=17841400000000001", "access_token=ig-token"],
            "/graph/v23.0/17841400000000001/subscribed_apps",
        ),
    ],
)
def test_meta_add_subscribes_the_app(runner, db, providers, workspace, kind, pairs, path):
    result = _add(runner, workspace, kind, *pairs)
    assert result.exit_code == 0, result.output
    out = _last_json(result)
    assert out["webhook_url"] == "http://localhost/webhooks/meta" and out["status_url"] is None
    [call] = providers.calls
    assert (call["method"], call["path"]) == ("POST", path)
    assert call["query"]["appsecret_proof"]


def test_whatsapp_add_needs_no_provider_call(runner, db, providers, workspace):
    result = _add(runner, workspace, "whatsapp", "phone_number_id=106540352242922", "waba_id=1022", "access_token=t")
    assert result.exit_code == 0, result.output
    assert providers.calls == []
    assert db.session.get(Channel, _last_json(result)["id"]).rate_per_second == 80


def test_sms_add_prints_both_twilio_urls(runner, db, providers, workspace):
    result = _add(
        runner,
        workspace,
        "sms",
        "account_sid=AC01",
        "auth_token=secret-auth",
        "from_number=+15557654321",
        "rate_per_second=3",
    )
    assert result.exit_code == 0, result.output
    out = _last_json(result)
    channel = db.session.get(Channel, out["id"])
    assert out["webhook_url"] == f"http://localhost/webhooks/twilio/{channel.key}"
    assert out["status_url"] == f"http://localhost/webhooks/twilio/{channel.key}/status"
    assert channel.rate_per_second == 3
    assert "secret-auth" not in channel.encrypted_credentials and channel.credentials["auth_token"] == "secret-auth"


def test_email_add_prints_the_inbound_token(runner, db, providers, workspace, smtp_server):
    result = _add(
        runner,
        workspace,
        "email",
        "address=hola@aurora.example",
        "smtp_host=127.0.0.1",
        f"smtp_port={smtp_server.port}",
        "smtp_username=aurora",
        "smtp_password=smtp-password",
        "smtp_security=none",
    )
    assert result.exit_code == 0, result.output
    out = _last_json(result)
    channel = db.session.get(Channel, out["id"])
    assert out["inbound_token"] == channel.credentials["inbound_token"]
    assert out["webhook_url"] == f"http://localhost/webhooks/email/{channel.key}"
    assert channel.status == ChannelStatus.ACTIVE


@pytest.mark.parametrize(
    ("kind", "pairs"),
    [
        ("telegram", [f"bot_token={BAD_TOKEN}"]),
        ("telegram", []),
        ("sms", ["account_sid=AC1", "auth_token=x", "from_number=5551234"]),
        ("fax", ["number=1"]),
    ],
)
def test_bad_input_exits_non_zero_with_a_message(runner, db, providers, workspace, kind, pairs):
    result = _add(runner, workspace, kind, *pairs)
    assert result.exit_code != 0
    assert "Error" in result.output
    assert db.session.query(Channel).count() == 0
