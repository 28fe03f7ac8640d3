"""Personal API tokens: created and revoked by their owner, stored hashed, shown once."""

from __future__ import annotations

import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import ApiToken, Membership, hash_token, new_token, utcnow

PREFIX = "cnv_"


def create_token(membership: Membership, name: str) -> tuple[ApiToken, str]:
    """Returns the row and the raw token, which is never stored and cannot be shown again."""
    raw, _ = new_token()
    raw = PREFIX + raw
    token = ApiToken(
        workspace_id=membership.workspace_id,
        user_id=membership.user_id,
        name=name.strip(),
        token_hash=hash_token(raw),
        prefix=raw[:10],
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "api_token.created",
        workspace_id=membership.workspace_id,
        actor_id=membership.user_id,
        target=f"token:{token.id}",
    )
    return token, raw


def tokens_of(membership: Membership) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(
                ApiToken.user_id == membership.user_id,
                ApiToken.workspace_id == membership.workspace_id,
                ApiToken.revoked_at.is_(None),
            )
            .order_by(ApiToken.created_at.desc())
        )
    )


def revoke_token(membership: Membership, token_id: int) -> bool:
    token = db.session.scalar(
        sa.select(ApiToken).where(
            ApiToken.id == token_id,
            ApiToken.user_id == membership.user_id,
            ApiToken.workspace_id == membership.workspace_id,
        )
    )
    if token is None or token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    audit.record(
        "api_token.revoked", workspace_id=token.workspace_id, actor_id=token.user_id, target=f"token:{token.id}"
    )
    return True


def membership_for_token(raw: str) -> Membership | None:
    """The member a bearer token acts as, or None for an unknown, revoked or orphaned token."""
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == hash_token(raw), ApiToken.revoked_at.is_(None))
    )
    if token is None or token.user.closed_at is not None:
        return None
    membership = db.session.scalar(
        sa.select(Membership).where(Membership.user_id == token.user_id, Membership.workspace_id == token.workspace_id)
    )
    if membership is None or membership.workspace.closed_at is not None:
        return None
    token.last_used_at = utcnow()
    return membership
