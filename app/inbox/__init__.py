"""The unified inbox: conversations from every channel, replies, notes, rules and automation."""

from flask import Blueprint

bp = Blueprint("inbox", __name__)


def _register_cli(state) -> None:
    from app.inbox.demo import demo_cli

    state.app.cli.add_command(demo_cli)


bp.record_once(_register_cli)

from app.inbox import admin_routes, routes  # noqa: E402, F401
