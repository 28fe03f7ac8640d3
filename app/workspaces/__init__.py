"""Workspace settings, members and roles, invitations, switching, and the audit log."""

from flask import Blueprint

bp = Blueprint("workspaces", __name__)

from app.workspaces import routes  # noqa: E402,F401
