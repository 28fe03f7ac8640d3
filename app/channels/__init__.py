"""Connecting channels: pages per kind, Meta OAuth and the shared connect service."""

from flask import Blueprint

bp = Blueprint("channels", __name__)

from app.channels import routes  # noqa: E402,F401
