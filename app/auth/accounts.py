"""Creating people and workspaces, and changing what a person controls about their account."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit
from app.extensions import db
from app.models import Membership, Role, User, Workspace, utcnow
from app.privacy import consent, legal


class AccountError(Exception):
    """A request about an account that cannot be done; `reason` is shown to the person."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(
    *,
    email: str,
    name: str,
    password: str,
    locale: str | None = None,
    timezone: str | None = None,
    marketing: bool = False,
    ip_address: str | None = None,
) -> User:
    """A new person who accepted the terms and privacy policy and confirmed being 18 or older."""
    if find_user(email):
        raise AccountError(_("An account with this e-mail already exists. Sign in instead."))
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        locale=locale,
        timezone=timezone or "UTC",
        age_confirmed_at=utcnow(),
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    legal.record_acceptance(user.id, ("terms", "privacy"), ip_address)
    consent.set_marketing_consent(user, marketing, source="signup")
    return user


def create_workspace(name: str, owner: User, timezone: str | None = None) -> Workspace:
    workspace = Workspace(name=name.strip(), timezone=timezone or owner.timezone or "UTC")
    db.session.add(workspace)
    db.session.flush()
    db.session.add(Membership(workspace=workspace, user=owner, role=Role.OWNER))
    audit.record("workspace.created", workspace_id=workspace.id, actor_id=owner.id, target=workspace.name)
    return workspace


def update_profile(user: User, *, name: str, locale: str, timezone: str, marketing: bool) -> None:
    user.name = name.strip()
    user.locale = locale
    user.timezone = timezone
    if consent.set_marketing_consent(user, marketing, source="profile"):
        audit.record("profile.marketing_consent", actor_id=user.id, granted=marketing)


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AccountError(_("The current password is not right."))
    user.set_password(new)
    end_all_sessions(user)
    audit.record("password.changed", actor_id=user.id)


def end_all_sessions(user: User) -> None:
    """Every session signed with the previous version stops working on its next request."""
    user.session_version += 1
