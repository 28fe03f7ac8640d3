"""Factories with keyword overrides: make_user(), make_workspace(), make_member()."""

from __future__ import annotations

import itertools

import sqlalchemy as sa

from app.auth import accounts
from app.extensions import db
from app.models import Membership, Role, User, Workspace

_seq = itertools.count(1)
PASSWORD = "correct horse battery"


def make_user(**overrides) -> User:
    n = next(_seq)
    values = {"email": f"person{n}@example.com", "name": f"Person {n}", "password": PASSWORD}
    values.update(overrides)
    user = accounts.create_user(**values)
    db.session.commit()
    return user


def make_workspace(name: str | None = None, owner: User | None = None, **fields) -> Workspace:
    owner = owner or make_user()
    workspace = accounts.create_workspace(name or f"Business {next(_seq)}", owner)
    for key, value in fields.items():
        setattr(workspace, key, value)
    db.session.commit()
    return workspace


def member_of(workspace: Workspace, role: Role = Role.OWNER) -> User:
    """A member with `role`; for OWNER, the workspace's first owner."""
    if role == Role.OWNER:
        return db.session.scalar(
            sa.select(User).join(Membership).where(Membership.workspace_id == workspace.id, Membership.role == role)
        )
    return make_member(workspace, role)


def make_member(workspace: Workspace, role: Role = Role.AGENT, **user_fields) -> User:
    user = make_user(**user_fields)
    db.session.add(Membership(workspace_id=workspace.id, user_id=user.id, role=role))
    db.session.commit()
    return user


def membership(workspace: Workspace, user: User) -> Membership:
    return db.session.scalar(
        sa.select(Membership).where(Membership.workspace_id == workspace.id, Membership.user_id == user.id)
    )
