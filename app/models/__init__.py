"""Every model, imported here so Alembic and the app see one metadata."""

from app.models.base import Base, TimestampMixin, WorkspaceScoped, utcnow
from app.models.billing import BillingAccount, StripeEvent, StripeEventStatus, SubscriptionStatus
from app.models.campaign import Campaign, CampaignRecipient, CampaignStatus, Link, RecipientState, Segment, Suppression
from app.models.channel import Channel, ChannelKind, ChannelStatus
from app.models.contact import ConsentEvent, ConsentStatus, Contact, ContactIdentity, ContactTag, Tag
from app.models.contact_setup import ConsentKeyword, ContactField, ContactImport, ImportStatus
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
from app.models.privacy import (
    META_RETENTION_DAYS,
    DataRequest,
    DeletionRequest,
    DeletionSource,
    DeletionStatus,
    FacebookConnection,
    Incident,
    IncidentNotification,
    LegalDocument,
    PrivacyRegime,
    PrivacySettings,
    RequestKind,
)
from app.models.report import DailyRollup, ReportConversation, ReportParticipation, ReportState
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
    "BillingAccount",
    "Campaign",
    "CampaignRecipient",
    "CampaignStatus",
    "Channel",
    "ChannelKind",
    "ChannelStatus",
    "ConsentEvent",
    "ConsentKeyword",
    "ConsentStatus",
    "Contact",
    "ContactField",
    "ContactIdentity",
    "ContactImport",
    "ContactTag",
    "Conversation",
    "ConversationStatus",
    "DailyRollup",
    "DataRequest",
    "DeletionRequest",
    "DeletionSource",
    "DeletionStatus",
    "Direction",
    "FacebookConnection",
    "ImportStatus",
    "Incident",
    "IncidentNotification",
    "Invitation",
    "LegalDocument",
    "Link",
    "LoginThrottle",
    "META_RETENTION_DAYS",
    "MarketingConsentEvent",
    "Membership",
    "Message",
    "MessageKind",
    "MessageStatus",
    "PasswordReset",
    "PolicyAcceptance",
    "PrivacyRegime",
    "PrivacySettings",
    "RecipientState",
    "ReportConversation",
    "ReportParticipation",
    "ReportState",
    "RequestKind",
    "Role",
    "Segment",
    "StripeEvent",
    "StripeEventStatus",
    "SubscriptionStatus",
    "Suppression",
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
from app.models.inbox import CannedResponse, ConversationLabel, InboxSettings, KeywordRule, Label  # noqa: E402

__all__ += ["CannedResponse", "ConversationLabel", "InboxSettings", "KeywordRule", "Label"]
