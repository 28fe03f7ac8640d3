"""Every adapter keeps the same contract: parse real samples, verify real signatures, send through
the provider's real endpoint, map 429/5xx to transient and other 4xx to permanent, fetch media."""

from __future__ import annotations

import pytest

from app.channels.adapters.base import InboundMessage, OutboundMessage, PermanentError, TransientError
from app.channels.adapters.email import encode_raw
from app.channels.adapters.registry import REGISTRY, get_adapter
from app.models import Channel, ChannelKind
from tests.channel_specs import INBOUND, SAMPLE_CHANNELS
from tests.fakes import samples, signing
from tests.fakes.provider_server import PNG

KINDS = list(ChannelKind)
HTTP_KINDS = [k for k in KINDS if k != ChannelKind.EMAIL]


def _channel(kind: ChannelKind, smtp_port: int | None = None) -> Channel:
    external_id, settings, credentials = SAMPLE_CHANNELS[kind]
    settings = dict(settings)
    if smtp_port:
        settings["smtp_port"] = smtp_port
    channel = Channel(workspace_id=1, kind=kind, name="Aurora", external_id=external_id, settings=settings, key="k1")
    channel.credentials = credentials
    return channel


def _payload(kind: ChannelKind, name: str, media: str) -> dict:
    if kind == ChannelKind.EMAIL:
        return encode_raw(samples.raw("email", name))
    return samples.load(kind.value, name, media)


def _signed(kind: ChannelKind, channel: Channel, body_params) -> tuple[bytes, dict, str]:
    url = "http://localhost/webhooks/x"
    if kind in (ChannelKind.MESSENGER, ChannelKind.INSTAGRAM, ChannelKind.WHATSAPP):
        body = body_params
        return body, signing.meta_headers(body, "test-meta-app-secret"), url
    if kind == ChannelKind.TELEGRAM:
        return body_params, {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"}, url
    if kind == ChannelKind.SMS:
        body, headers = signing.twilio_request("twilio-auth-token", url, {"From": "+15005550006", "Body": "hi"})
        return body, headers, url
    return body_params, {"Authorization": "Bearer inbound-token"}, url


def test_registry_covers_every_channel_type():
    assert set(REGISTRY) == {kind.value for kind in ChannelKind}


@pytest.mark.parametrize("kind", KINDS)
def test_parses_inbound_text_into_one_message(app, providers, kind):
    sample, external_id, text, _ = INBOUND[kind]
    events = get_adapter(_channel(kind)).parse_inbound(_payload(kind, sample, providers.base + "/media"))
    assert len(events) == 1
    message = events[0]
    assert isinstance(message, InboundMessage)
    assert (message.external_id, message.text, message.is_echo) == (external_id, text, False)
    assert message.provider_message_id


@pytest.mark.parametrize("kind", KINDS)
def test_parses_inbound_attachment_and_fetches_its_bytes(app, providers, kind):
    _, _, _, sample = INBOUND[kind]
    adapter = get_adapter(_channel(kind))
    [message] = adapter.parse_inbound(_payload(kind, sample, providers.base + "/media"))
    [attachment] = message.attachments
    if attachment.content is None:
        media = adapter.fetch_media(attachment.source)
        assert media.content == PNG
    else:
        assert attachment.content.startswith(b"\x89PNG")
        assert attachment.filename == "comprobante.png"


@pytest.mark.parametrize("kind", KINDS)
def test_verifies_a_signed_request_and_refuses_a_tampered_one(app, providers, kind):
    channel = _channel(kind)
    adapter = get_adapter(channel)
    body, headers, url = _signed(kind, channel, b'{"object": "page", "entry": []}')
    assert adapter.verify_signature(body, headers, url)
    forged = {name: value[:-2] + "xx" for name, value in headers.items() if name != "Content-Type"}
    assert not adapter.verify_signature(body, forged, url)
    assert not adapter.verify_signature(body, {}, url)


@pytest.mark.parametrize("kind", HTTP_KINDS)
def test_send_calls_the_provider_and_returns_its_message_id(app, providers, kind):
    adapter = get_adapter(_channel(kind))
    result = adapter.send(OutboundMessage(to="5215512345678", text="¡Gracias!"))
    assert result.provider_message_id
    [call] = [c for c in providers.calls if c["method"] == "POST"]
    expected_path = {
        ChannelKind.MESSENGER: "/graph/v23.0/1122334455/messages",
        ChannelKind.INSTAGRAM: "/graph/v23.0/17841400000000001/messages",
        ChannelKind.WHATSAPP: "/graph/v23.0/106540352242922/messages",
        ChannelKind.TELEGRAM: "/telegram/bot123:ABC/sendMessage",
        ChannelKind.SMS: "/twilio/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json",
    }[kind]
    assert call["path"] == expected_path
    sent = call["json"] or call["form"]
    assert "¡Gracias!" in str(sent)


@pytest.mark.parametrize("kind", HTTP_KINDS)
@pytest.mark.parametrize("status", [429, 500, 503])
def test_throttling_and_outages_are_transient(app, providers, kind, status):
    providers.fail_next(status)
    with pytest.raises(TransientError):
        get_adapter(_channel(kind)).send(OutboundMessage(to="5215512345678", text="hi"))


@pytest.mark.parametrize("kind", HTTP_KINDS)
def test_other_refusals_are_permanent_with_the_providers_reason(app, providers, kind):
    providers.fail_next(400)
    with pytest.raises(PermanentError) as refused:
        get_adapter(_channel(kind)).send(OutboundMessage(to="5215512345678", text="hi"))
    assert str(refused.value) and "token" not in str(refused.value).lower()


def test_unreachable_provider_is_transient_and_names_no_url(app, providers):
    app.config["TELEGRAM_API_URL"] = "http://127.0.0.1:9/telegram"
    with pytest.raises(TransientError) as failure:
        get_adapter(_channel(ChannelKind.TELEGRAM)).send(OutboundMessage(to="1", text="hi"))
    assert "123:ABC" not in str(failure.value)


def test_email_send_goes_through_smtp_with_login(app, smtp_server):
    adapter = get_adapter(_channel(ChannelKind.EMAIL, smtp_port=smtp_server.port))
    adapter.check_credentials()
    result = adapter.send(
        OutboundMessage(
            to="lucia@example.org", text="Reservado.", subject="Re: Reserva", headers={"In-Reply-To": "<a@b>"}
        )
    )
    [mail] = smtp_server.messages
    assert mail["to"] == ["lucia@example.org"]
    assert result.provider_message_id.encode() in mail["data"]
    assert b"In-Reply-To: <a@b>" in mail["data"]


def test_email_wrong_password_is_permanent(app, smtp_server):
    channel = _channel(ChannelKind.EMAIL, smtp_port=smtp_server.port)
    channel.credentials = {"smtp_password": "wrong", "inbound_token": "x"}
    with pytest.raises(PermanentError):
        get_adapter(channel).check_credentials()
