"""Every model, imported here so Alembic and the app see one metadata."""

from app.models.base import Base, TimestampMixin, WorkspaceScoped, utcnow
from app.models.channel import Channel, ChannelKind, ChannelStatus
from app.models.contact import ConsentEvent, ConsentStatus, Contact, ContactIdentity, ContactTag, Tag
from app.models.conversation import (
    Attachment,
    AttachmentState,
    Conversation,
    ConversationStatus,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
)
from app.models.credential import ApiToken, Invitation, PasswordReset, hash_token, new_token
from app.models.security import AuditEvent, LoginThrottle
from app.models.user import MarketingConsentEvent, PolicyAcceptance, User
from app.models.webhook import WebhookEvent, WebhookStatus
from app.models.workspace import Membership, Role, Workspace

__all__ = [
    "ApiToken",
    "Attachment",
    "AttachmentState",
    "AuditEvent",
    "Base",
    "Channel",
    "ChannelKind",
    "ChannelStatus",
    "ConsentEvent",
    "ConsentStatus",
    "Contact",
    "ContactIdentity",
    "ContactTag",
    "Conversation",
    "ConversationStatus",
    "Direction",
    "Invitation",
    "LoginThrottle",
    "MarketingConsentEvent",
    "Membership",
    "Message",
    "MessageKind",
    "MessageStatus",
    "PasswordReset",
    "PolicyAcceptance",
    "Role",
    "Tag",
    "TimestampMixin",
    "User",
    "WebhookEvent",
    "WebhookStatus",
    "Workspace",
    "WorkspaceScoped",
    "hash_token",
    "new_token",
    "utcnow",
]
from app.models.campaign import (  # noqa: E402
    RECIPIENT_RANK,
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    Link,
    RecipientState,
    Segment,
    Suppression,
)
from app.models.contact_setup import ConsentKeyword, ContactField, ContactImport, ImportStatus  # noqa: E402

__all__ += [
    "Campaign",
    "CampaignRecipient",
    "CampaignStatus",
    "ConsentKeyword",
    "ContactField",
    "ContactImport",
    "ImportStatus",
    "Link",
    "RECIPIENT_RANK",
    "RecipientState",
    "Segment",
    "Suppression",
]
