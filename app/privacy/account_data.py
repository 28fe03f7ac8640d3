"""A member's own data: export it, close the account; an owner closes the workspace."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit
from app.billing.checkout import cancel_subscription
from app.billing.stripe_gateway import GatewayError
from app.extensions import db
from app.models import (
    ApiToken,
    AuditEvent,
    Channel,
    ChannelStatus,
    FacebookConnection,
    Membership,
    PolicyAcceptance,
    Role,
    User,
    Workspace,
    utcnow,
)
from app.privacy.consent import set_marketing_consent
from app.privacy.status import iso

# The privacy policy: account data is kept up to five years after closing, then anonymised.
ACCOUNT_RETENTION = timedelta(days=5 * 365)


class ClosingError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def export_user(user: User) -> dict:
    """Everything about the member's own account, as one JSON-ready document."""
    memberships = db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id))
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.actor_id == user.id).order_by(AuditEvent.id.desc()).limit(1000)
    )
    audit.record("account.exported", actor_id=user.id)
    return {
        "exported_at": iso(utcnow()),
        "account": {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "locale": user.locale,
            "timezone": user.timezone,
            "created_at": iso(user.created_at),
            "age_confirmed_at": iso(user.age_confirmed_at),
        },
        "memberships": [
            {"workspace_id": m.workspace_id, "workspace": m.workspace.name, "role": m.role.value} for m in memberships
        ],
        "policy_acceptances": [
            {"document": a.document, "version": a.version, "accepted_at": iso(a.accepted_at)}
            for a in db.session.scalars(sa.select(PolicyAcceptance).where(PolicyAcceptance.user_id == user.id))
        ],
        "marketing_consent": [
            {"granted": e.granted, "source": e.source, "at": iso(e.created_at)} for e in user.marketing_events
        ],
        "api_tokens": [
            {"name": t.name, "prefix": t.prefix, "created_at": iso(t.created_at), "revoked_at": iso(t.revoked_at)}
            for t in db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id))
        ],
        "facebook_connections": [
            {"facebook_user_id": c.facebook_user_id, "created_at": iso(c.created_at)}
            for c in db.session.scalars(sa.select(FacebookConnection).where(FacebookConnection.user_id == user.id))
        ],
        "activity": [
            {"action": e.action, "target": e.target, "ip_address": e.ip_address, "at": iso(e.created_at)}
            for e in events
        ],
    }


def _sole_owner_of(user: User) -> list[Workspace]:
    owned = db.session.scalars(
        sa.select(Workspace)
        .join(Membership)
        .where(Membership.user_id == user.id, Membership.role == Role.OWNER, Workspace.closed_at.is_(None))
    )
    return [
        w
        for w in owned
        if db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Membership)
            .where(Membership.workspace_id == w.id, Membership.role == Role.OWNER)
        )
        == 1
    ]


def close_account(user: User, password: str) -> None:
    """Access ends now; the record is anonymised by retention five years later."""
    if not user.check_password(password):
        raise ClosingError(_("The password is not right."))
    if owned := _sole_owner_of(user):
        raise ClosingError(
            _(
                "You are the only owner of %(name)s. Make someone else an owner, or close the workspace first.",
                name=owned[0].name,
            )
        )
    user.closed_at = utcnow()
    user.session_version += 1
    set_marketing_consent(user, False, source="account_closed")
    db.session.execute(sa.delete(Membership).where(Membership.user_id == user.id))
    db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == user.id).values(revoked_at=utcnow()))
    db.session.execute(sa.delete(FacebookConnection).where(FacebookConnection.user_id == user.id))
    audit.record("account.closed", actor_id=user.id)


def close_workspace(workspace: Workspace, actor: User, password: str, confirm_name: str) -> None:
    """Access ends for everyone, channels stop, billing is cancelled; data anonymised in five years."""
    if not actor.check_password(password):
        raise ClosingError(_("The password is not right."))
    if confirm_name.strip() != workspace.name:
        raise ClosingError(_("Type the workspace name exactly as shown."))
    _cancel_billing(workspace)
    workspace.closed_at = utcnow()
    for channel in db.session.scalars(sa.select(Channel).where(Channel.workspace_id == workspace.id)):
        channel.status = ChannelStatus.DISCONNECTED
        channel.disconnected_at = utcnow()
        channel.credentials = {}
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.workspace_id == workspace.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    audit.record("workspace.closed", workspace_id=workspace.id, actor_id=actor.id, target=workspace.name)


def _cancel_billing(workspace: Workspace) -> None:
    """Cancel the subscription at Stripe first: a workspace never closes while still billed."""
    try:
        cancel_subscription(workspace)
    except GatewayError as error:
        raise ClosingError(
            _("Stripe could not cancel the subscription, so nothing was closed. Try again in a moment.")
        ) from error


def anonymisation_date(workspace: Workspace):
    return workspace.closed_at + ACCOUNT_RETENTION if workspace.closed_at else None
