"""Who may do what, in which workspace: roles, the current workspace and tenant-scoped lookups."""

from __future__ import annotations

from functools import wraps
from typing import TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, abort, g, session
from flask_login import LoginManager, current_user

from app.extensions import db
from app.models import Membership, Role, User, Workspace

M = TypeVar("M")


def init_app(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    app.before_request(_load_membership)


def _load_user(user_id: str) -> User | None:
    """Session ids carry the user's session version, so "log out everywhere" ends old sessions."""
    ident, _, version = user_id.partition(":")
    if not ident.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or user.closed_at is not None or user.session_version != int(version):
        return None
    return user


def _load_membership() -> None:
    g.membership = None
    if not current_user.is_authenticated:
        return
    wanted = session.get("workspace_id")
    g.memberships = memberships = active_memberships(current_user)  # the nav's switcher reuses them
    chosen = next((m for m in memberships if m.workspace_id == wanted), None)
    chosen = chosen or (memberships[0] if memberships else None)
    use_membership(chosen)


def use_membership(membership: Membership | None) -> None:
    """Make this membership the acting one for the rest of the request (web session or API token)."""
    g.membership = membership
    if membership is not None:
        session["workspace_id"] = membership.workspace_id


def active_memberships(user: User) -> list[Membership]:
    return list(
        db.session.scalars(
            sa.select(Membership)
            .join(Workspace)
            .options(so.contains_eager(Membership.workspace))
            .where(Membership.user_id == user.id, Workspace.closed_at.is_(None))
            .order_by(Workspace.name)
        )
    )


def current_membership() -> Membership | None:
    return g.get("membership")


def current_workspace() -> Workspace | None:
    membership = current_membership()
    return membership.workspace if membership else None


def current_role() -> Role | None:
    membership = current_membership()
    return membership.role if membership else None


def has_role(role: Role) -> bool:
    mine = current_role()
    return mine is not None and mine.at_least(role)


def role_required(role: Role):
    """Refuse (403) anyone whose role in the current workspace is below `role`."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_membership() is None:
                abort(404)
            if not has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def get_or_404(model: type[M], ident: int) -> M:
    """Fetch a workspace-scoped row of the current workspace; any other workspace's id is a 404."""
    workspace = current_workspace()
    if workspace is None:
        abort(404)
    row = db.session.scalar(sa.select(model).where(model.id == ident, model.workspace_id == workspace.id))
    if row is None:
        abort(404)
    return row
