"""Connecting and disconnecting channels: the one service behind the UI and `flask channel add`."""

from __future__ import annotations

import logging
import re
import secrets

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit
from app.billing.limits import PlanLimitError, check_channel_available
from app.channels.adapters.base import PermanentError, TransientError
from app.channels.adapters.registry import REGISTRY, get_adapter
from app.extensions import db
from app.models import Channel, ChannelKind, ChannelStatus, Workspace, utcnow

log = logging.getLogger(__name__)
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


class ConnectError(Exception):
    """The channel cannot be connected; `reason` is translated and names what is wrong."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _validate(kind: ChannelKind, settings: dict) -> None:
    adapter = REGISTRY[kind]
    missing = [key for key in adapter.required_settings if not str(settings.get(key) or "").strip()]
    if missing:
        raise ConnectError(_("Missing settings: %(keys)s", keys=", ".join(missing)))
    if "from_number" in settings and not E164.match(settings["from_number"]):
        raise ConnectError(_("The number must be in E.164 format, like +15551234567."))
    if "smtp_security" in settings and settings["smtp_security"] not in ("starttls", "ssl", "none"):
        raise ConnectError(_("SMTP security must be starttls, ssl or none."))
    if "smtp_port" in settings and not str(settings["smtp_port"]).isdigit():
        raise ConnectError(_("The SMTP port must be a number."))


def _rate(kind: ChannelKind, value) -> float:
    if value in (None, ""):
        return REGISTRY[kind].default_rate_per_second
    try:
        rate = float(value)
    except (TypeError, ValueError):
        rate = 0
    if rate <= 0:
        raise ConnectError(_("rate_per_second must be a positive number."))
    return rate


def connect_channel(workspace: Workspace, kind: str, name: str, settings: dict, actor_id: int | None = None) -> Channel:
    """Validate, store (secrets encrypted), prove the credentials with the provider, audit.

    Raises ConnectError with a translated reason. The caller commits, or rolls back on error.
    """
    try:
        kind = ChannelKind(kind)
    except ValueError as error:
        raise ConnectError(_("Unknown channel type %(kind)s.", kind=kind)) from error
    try:
        check_channel_available(workspace)
    except PlanLimitError as limit:
        raise ConnectError(limit.reason) from limit
    settings = {key: str(value).strip() for key, value in settings.items()}
    _validate(kind, settings)
    adapter_class = REGISTRY[kind]
    rate = _rate(kind, settings.pop("rate_per_second", None))
    credentials = {key: settings.pop(key) for key in adapter_class.secret_keys if key in settings}
    credentials.update({key: secrets.token_urlsafe(32) for key in adapter_class.generated_secrets})
    route = settings.get(adapter_class.route_setting) if adapter_class.route_setting else None
    channel = Channel(
        workspace_id=workspace.id,
        kind=kind,
        name=(name or "").strip()[:120] or kind.value.title(),
        settings=settings,
        external_id=route.lower() if kind == ChannelKind.EMAIL and route else route,
        rate_per_second=rate,
        status=ChannelStatus.ACTIVE,
    )
    channel.credentials = credentials
    db.session.add(channel)
    db.session.flush()  # the key and id exist now: webhook URLs can be registered
    _check(channel)
    _refuse_if_taken(channel)
    audit.record(
        "channel.connected",
        workspace_id=workspace.id,
        actor_id=actor_id,
        target=f"channel:{channel.id}",
        kind=kind.value,
    )
    return channel


def _check(channel: Channel) -> None:
    adapter = get_adapter(channel)
    try:
        adapter.check_credentials()
    except (PermanentError, TransientError) as error:
        if adapter.check_blocks_connect:
            raise ConnectError(_("The provider refused the connection: %(reason)s", reason=str(error))) from error
        channel.status, channel.last_error = ChannelStatus.NEEDS_ATTENTION, str(error)[:500]


def _refuse_if_taken(channel: Channel) -> None:
    """One connected channel per provider id, or inbound events could not be routed."""
    if not channel.external_id:
        return
    taken = db.session.scalar(
        sa.select(Channel.id).where(
            Channel.kind == channel.kind,
            Channel.external_id == channel.external_id,
            Channel.id != channel.id,
            Channel.status != ChannelStatus.DISCONNECTED,
        )
    )
    if taken:
        raise ConnectError(_("This account is already connected. Disconnect it first."))


def disconnect_channel(channel: Channel, actor_id: int | None = None) -> None:
    """Stop traffic (webhooks answer 404, sends fail) and keep every conversation."""
    try:
        get_adapter(channel).disconnect()
    except (PermanentError, TransientError) as error:
        log.info("channel %s: provider disconnect failed (%s)", channel.id, type(error).__name__)
    channel.status, channel.disconnected_at = ChannelStatus.DISCONNECTED, utcnow()
    audit.record(
        "channel.disconnected",
        workspace_id=channel.workspace_id,
        actor_id=actor_id,
        target=f"channel:{channel.id}",
        kind=channel.kind.value,
    )
