"""Members of a workspace: invitations, role changes and removal, never leaving it without an owner."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app import audit
from app.auth.accounts import AccountError, normalise_email
from app.billing.limits import check_seat_available
from app.extensions import db
from app.models import Invitation, Membership, Role, User, Workspace, hash_token, new_token, utcnow


class MemberError(AccountError):
    """A change to the members that is not allowed; `reason` is shown to the person."""


def members_of(workspace: Workspace) -> list[Membership]:
    return list(
        db.session.scalars(
            sa.select(Membership).join(User).where(Membership.workspace_id == workspace.id).order_by(User.name)
        )
    )


def pending_invitations(workspace: Workspace) -> list[Invitation]:
    return [
        invitation
        for invitation in db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.workspace_id == workspace.id, Invitation.accepted_at.is_(None))
            .order_by(Invitation.created_at.desc())
        )
        if invitation.is_usable
    ]


def invite(workspace: Workspace, email: str, role: Role, by: User) -> tuple[Invitation, str]:
    """A single-use, expiring invitation; returns it with the raw token for the e-mailed link.
    Raises PlanLimitError when the plan has no seat left (pending invitations count)."""
    email = normalise_email(email)
    already = db.session.scalar(
        sa.select(Membership).join(User).where(Membership.workspace_id == workspace.id, User.email == email)
    )
    if already is not None:
        raise MemberError(_("%(email)s is already a member of this workspace.", email=email))
    check_seat_available(workspace)
    raw, digest = new_token()
    invitation = Invitation(
        workspace_id=workspace.id,
        email=email,
        role=role,
        token_hash=digest,
        invited_by=by,
        expires_at=utcnow() + timedelta(seconds=current_app.config["INVITATION_SECONDS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record("member.invited", workspace_id=workspace.id, actor_id=by.id, target=email, role=role.value)
    return invitation, raw


def usable_invitation(raw: str) -> Invitation | None:
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.token_hash == hash_token(raw)))
    return invitation if invitation is not None and invitation.is_usable else None


def accept(invitation: Invitation, user: User) -> Membership:
    """Join the workspace with the invited role; the invitation cannot be used again."""
    invitation.accepted_at = utcnow()
    membership = db.session.scalar(
        sa.select(Membership).where(Membership.workspace_id == invitation.workspace_id, Membership.user_id == user.id)
    )
    if membership is None:
        membership = Membership(workspace_id=invitation.workspace_id, user=user, role=invitation.role)
        db.session.add(membership)
        db.session.flush()
    audit.record(
        "member.joined",
        workspace_id=invitation.workspace_id,
        actor_id=user.id,
        target=user.email,
        role=membership.role.value,
    )
    return membership


def revoke_invitation(invitation: Invitation, by: User) -> None:
    invitation.revoked_at = utcnow()
    audit.record(
        "member.invitation_revoked", workspace_id=invitation.workspace_id, actor_id=by.id, target=invitation.email
    )


def _owner_count(workspace_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(Membership.workspace_id == workspace_id, Membership.role == Role.OWNER)
    )


def _check_not_last_owner(membership: Membership) -> None:
    if membership.role == Role.OWNER and _owner_count(membership.workspace_id) <= 1:
        raise MemberError(_("A workspace always needs an owner. Make someone else owner first."))


def change_role(membership: Membership, role: Role, by: Membership) -> None:
    """Only owners grant or take away the owner role; the last owner keeps it."""
    if membership.role == role:
        return
    if Role.OWNER in (role, membership.role) and by.role != Role.OWNER:
        raise MemberError(_("Only an owner can make or unmake owners."))
    if role != Role.OWNER:
        _check_not_last_owner(membership)
    previous = membership.role
    membership.role = role
    audit.record(
        "member.role_changed",
        workspace_id=membership.workspace_id,
        actor_id=by.user_id,
        target=membership.user.email,
        old=previous.value,
        new=role.value,
    )


def remove(membership: Membership, by: Membership) -> None:
    if membership.role == Role.OWNER and by.role != Role.OWNER:
        raise MemberError(_("Only an owner can remove an owner."))
    _check_not_last_owner(membership)
    audit.record(
        "member.removed", workspace_id=membership.workspace_id, actor_id=by.user_id, target=membership.user.email
    )
    db.session.delete(membership)
