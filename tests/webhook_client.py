"""Posting provider samples to our webhooks exactly as each provider would (signed, encoded)."""

from __future__ import annotations

import json

import sqlalchemy as sa

from app.extensions import db
from app.models import Channel, ChannelKind
from tests.channel_specs import SAMPLE_CHANNELS
from tests.conftest import META_APP_SECRET
from tests.factories import make_channel
from tests.fakes import samples, signing

META_KINDS = (ChannelKind.MESSENGER, ChannelKind.INSTAGRAM, ChannelKind.WHATSAPP)


def connect_sample_channel(workspace, kind: ChannelKind) -> Channel:
    external_id, settings, credentials = SAMPLE_CHANNELS[kind]
    return make_channel(workspace, kind, external_id=external_id, settings=dict(settings), credentials=credentials)


def post_payload(client, channel: Channel, payload, *, status: bool = False, secret: str | None = None):
    """POST one payload (dict for JSON and Twilio forms, bytes for e-mail) the provider's way."""
    channel = fresh(channel)
    kind = channel.kind
    if kind in META_KINDS:
        body = json.dumps(payload).encode()
        return client.post("/webhooks/meta", data=body, headers=signing.meta_headers(body, secret or META_APP_SECRET))
    if kind == ChannelKind.TELEGRAM:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret or channel.credentials["webhook_secret"]}
        return client.post(f"/webhooks/telegram/{channel.key}", json=payload, headers=headers)
    if kind == ChannelKind.SMS:
        path = f"/webhooks/twilio/{channel.key}" + ("/status" if status else "")
        token = secret or channel.credentials["auth_token"]
        body, headers = signing.twilio_request(token, "http://localhost" + path, payload)
        return client.post(path, data=body, headers=headers)
    headers = {
        "Authorization": f"Bearer {secret or channel.credentials['inbound_token']}",
        "Content-Type": "message/rfc822",
    }
    return client.post(f"/webhooks/email/{channel.key}", data=payload, headers=headers)


def sample_payload(kind: ChannelKind, name: str, media_base: str):
    if kind == ChannelKind.EMAIL:
        return samples.raw("email", name)
    return samples.load(kind.value, name, media_base)


def fresh(channel: Channel) -> Channel:
    """The same channel in the current session (run_jobs() ends the test's session)."""
    return db.session.get(Channel, sa.inspect(channel).identity[0])


def post_sample(client, channel: Channel, name: str, providers, **kwargs):
    channel = fresh(channel)
    return post_payload(client, channel, sample_payload(channel.kind, name, providers.base + "/media"), **kwargs)
