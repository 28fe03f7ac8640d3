"""Every model, imported here so Alembic and the app see one metadata."""

from app.models.base import Base, TimestampMixin, WorkspaceScoped, utcnow
from app.models.credential import ApiToken, Invitation, PasswordReset, hash_token, new_token
from app.models.security import AuditEvent, LoginThrottle
from app.models.user import MarketingConsentEvent, PolicyAcceptance, User
from app.models.workspace import Membership, Role, Workspace

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "Invitation",
    "LoginThrottle",
    "MarketingConsentEvent",
    "Membership",
    "PasswordReset",
    "PolicyAcceptance",
    "Role",
    "TimestampMixin",
    "User",
    "Workspace",
    "WorkspaceScoped",
    "hash_token",
    "new_token",
    "utcnow",
]
