"""CONTRACT §3 webhooks: verify, store, commit, kick the drain job, acknowledge. Nothing else."""

from __future__ import annotations

import json
import logging
from email.parser import BytesHeaderParser

import sqlalchemy as sa
from flask import Response, abort, current_app, jsonify, request

from app.channels.adapters.base import ChannelAdapter
from app.channels.adapters.email import encode_raw
from app.channels.adapters.registry import adapter_for_kind, get_adapter
from app.extensions import csrf, db
from app.jobs import ingest as ingest_jobs
from app.models import Channel, ChannelKind, ChannelStatus
from app.webhooks import bp, store

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024  # JSON and form events are a few KB; Meta batches stay far below this
MAX_EMAIL = 30 * 1024 * 1024
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def _body(limit: int) -> bytes:
    if (request.content_length or 0) > limit:
        abort(413, "Request body too large.")
    request.max_content_length = limit
    return request.get_data(cache=True)


def _refuse(source: str, why: str, code: int = 403):
    log.warning("refused %s webhook from %s: %s", source, request.remote_addr, why)
    return jsonify(error=why), code


def _accept(source: str, payload: dict, dedupe_key: str, channel_id: int | None = None) -> None:
    """Store, commit, then ask for processing: the event survives even if Redis does not."""
    if store.store_event(source, payload, dedupe_key, channel_id):
        db.session.commit()
        ingest_jobs.kick()


def _channel(kind: ChannelKind, key: str) -> tuple[Channel, ChannelAdapter]:
    channel = db.session.scalar(sa.select(Channel).where(Channel.key == key, Channel.kind == kind))
    if channel is None or channel.status == ChannelStatus.DISCONNECTED:
        abort(404, "Unknown channel.")
    return channel, get_adapter(channel)


def _json(body: bytes) -> dict:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        abort(400, "The body is not JSON.")
    if not isinstance(payload, dict):
        abort(400, "The body is not a JSON object.")
    return payload


@bp.get("/webhooks/meta")
def meta_challenge():
    """Meta's subscription check: echo hub.challenge when our verify token matches."""
    expected = current_app.config.get("META_VERIFY_TOKEN")
    args = request.args
    if args.get("hub.mode") == "subscribe" and expected and args.get("hub.verify_token") == expected:
        return Response(args.get("hub.challenge", ""), mimetype="text/plain")
    return _refuse("meta", "Verification token mismatch.")


@bp.post("/webhooks/meta")
@csrf.exempt
def receive_meta():
    body = _body(MAX_BODY)
    if not adapter_for_kind("messenger").verify_signature(body, request.headers, request.url):
        return _refuse("meta", "Invalid signature.")
    _accept("meta", _json(body), store.body_key(body))
    return jsonify(status="received")


@bp.post("/webhooks/telegram/<channel_key>")
@csrf.exempt
def receive_telegram(channel_key: str):
    channel, adapter = _channel(ChannelKind.TELEGRAM, channel_key)
    body = _body(MAX_BODY)
    if not adapter.verify_signature(body, request.headers, request.url):
        return _refuse("telegram", "Invalid secret token.")
    payload = _json(body)
    _accept(
        "telegram",
        payload,
        store.scoped_key(channel.id, str(payload.get("update_id", store.body_key(body)))),
        channel.id,
    )
    return jsonify(status="received")


def _twilio(channel_key: str, callback: str):
    channel, adapter = _channel(ChannelKind.SMS, channel_key)
    body = _body(MAX_BODY)
    url = current_app.config["BASE_URL"] + request.full_path.rstrip("?")
    if not adapter.verify_signature(body, request.headers, url):
        return _refuse("twilio", "Invalid signature.")
    form = request.form.to_dict()
    sid = form.get("MessageSid") or store.body_key(body)
    key = f"{sid}:{callback}:{form.get('MessageStatus', '')}"
    _accept("twilio", form, store.scoped_key(channel.id, key), channel.id)
    return Response(EMPTY_TWIML, mimetype="text/xml")


@bp.post("/webhooks/twilio/<channel_key>")
@csrf.exempt
def receive_twilio(channel_key: str):
    return _twilio(channel_key, "inbound")


@bp.post("/webhooks/twilio/<channel_key>/status")
@csrf.exempt
def receive_twilio_status(channel_key: str):
    return _twilio(channel_key, "status")


@bp.post("/webhooks/email/<channel_key>")
@csrf.exempt
def receive_email(channel_key: str):
    channel, adapter = _channel(ChannelKind.EMAIL, channel_key)
    body = _body(MAX_EMAIL)
    if not adapter.verify_signature(body, request.headers, request.url):
        return _refuse("email", "Invalid inbound token.")
    if not body.strip():
        abort(400, "Empty message.")
    message_id = BytesHeaderParser().parsebytes(body).get("Message-ID", "").strip()
    _accept("email", encode_raw(body), store.scoped_key(channel.id, message_id or store.body_key(body)), channel.id)
    return jsonify(status="received")
