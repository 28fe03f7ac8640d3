"""What every template can see: the acting membership, navigation and the jobs-mode notice."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context
from flask_login import current_user

from app import permissions
from app.i18n import LANGUAGE_NAMES
from app.models import Role


def _context() -> dict:
    membership = permissions.current_membership()
    return {
        "current_membership": membership,
        "current_workspace": membership.workspace if membership else None,
        "other_memberships": _other_memberships(membership),
        "has_role": permissions.has_role,
        "Role": Role,
        "language_names": LANGUAGE_NAMES,
        "jobs_inline": current_app.config.get("JOBS_RESOLVED") == "inline",
    }


def _other_memberships(membership) -> list:
    if not has_request_context() or not current_user.is_authenticated:  # e-mails rendered in jobs
        return []
    memberships = g.get("memberships")
    if memberships is None:
        memberships = permissions.active_memberships(current_user)
    return [m for m in memberships if m is not membership]


def init_app(app: Flask) -> None:
    app.context_processor(_context)
