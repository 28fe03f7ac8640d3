"""CONTRACT §2 commands: parse, call one service, print one JSON object on the last line."""

from __future__ import annotations

import json
import sys

import click
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from flask.cli import AppGroup

from app.auth import accounts, api_tokens
from app.extensions import db
from app.models import Membership, Workspace


def emit(payload: dict) -> None:
    click.echo(json.dumps(payload))


def fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


workspace_cli = AppGroup("workspace", help="Manage workspaces.")
channel_cli = AppGroup("channel", help="Manage channels.")
token_cli = AppGroup("token", help="Manage personal API tokens.")


@workspace_cli.command("create")
@click.option("--name", required=True)
@click.option("--owner-email", required=True)
@click.option("--owner-password", required=True)
def workspace_create(name: str, owner_email: str, owner_password: str) -> None:
    """Create a workspace and its owner (an existing person becomes its owner)."""
    try:
        email = validate_email(owner_email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        fail(f"--owner-email: {error}")
    if not name.strip():
        fail("--name must not be empty")
    owner = accounts.find_user(email)
    if owner is None:
        if len(owner_password) < 10:
            fail("--owner-password must have at least 10 characters")
        owner = accounts.create_user(email=email, name=email.split("@")[0], password=owner_password)
    elif not owner.check_password(owner_password):
        fail("a person with that e-mail exists and the password does not match")
    workspace = accounts.create_workspace(name, owner)
    db.session.commit()
    emit({"id": workspace.id, "owner_id": owner.id})


@token_cli.command("create")
@click.option("--workspace", "workspace_id", required=True, type=int)
@click.option("--email", required=True)
@click.option("--name", default="CLI token", show_default=True)
def token_create(workspace_id: int, email: str, name: str) -> None:
    """Create a personal API token of a member, as the profile page does."""
    if db.session.get(Workspace, workspace_id) is None:
        fail(f"no workspace with id {workspace_id}")
    user = accounts.find_user(email)
    membership = user and db.session.scalar(
        sa.select(Membership).where(Membership.workspace_id == workspace_id, Membership.user_id == user.id)
    )
    if not membership:
        fail(f"{email} is not a member of workspace {workspace_id}")
    _, raw = api_tokens.create_token(membership, name)
    db.session.commit()
    emit({"token": raw})


@channel_cli.command("add")
@click.option("--workspace", "workspace_id", required=True, type=int)
@click.option("--type", "kind", required=True)
@click.option("--name", required=True)
@click.option("--set", "pairs", multiple=True, help="key=value, once per setting")
def channel_add(workspace_id: int, kind: str, name: str, pairs: tuple[str, ...]) -> None:
    """Connect a channel as the UI does (CONTRACT §2)."""
    from app.channels.adapters.registry import get_adapter
    from app.channels.connect import ConnectError, connect_channel

    workspace = db.session.get(Workspace, workspace_id)
    if workspace is None:
        fail(f"no workspace with id {workspace_id}")
    settings = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            fail(f"--set expects key=value, got {pair!r}")
        settings[key.strip()] = value
    try:
        # Translated reasons need a request context for the locale (English outside the web).
        with current_app.test_request_context():
            channel = connect_channel(workspace, kind, name, settings)
    except ConnectError as error:
        db.session.rollback()
        fail(error.reason)
    db.session.commit()
    result = {"id": channel.id, "type": channel.kind.value, **get_adapter(channel).webhook_urls()}
    if "inbound_token" in channel.credentials:
        result["inbound_token"] = channel.credentials["inbound_token"]
    if channel.last_error:
        click.echo(f"Warning: {channel.last_error}", err=True)
    emit(result)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Drain the queues, then exit.")
def worker(burst: bool) -> None:
    """An RQ worker on every queue, with the scheduler."""
    from app.jobs import redis_available
    from app.jobs import worker as rq_worker

    if not redis_available():
        fail("Redis is not reachable at REDIS_URL; a worker needs it")
    worked = rq_worker.run(burst=burst)
    emit({"worked": bool(worked), "burst": burst})


def init_app(app: Flask) -> None:
    app.cli.add_command(workspace_cli)
    app.cli.add_command(token_cli)
    app.cli.add_command(channel_cli)
    app.cli.add_command(worker)
