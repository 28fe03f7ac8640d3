"""Creating, editing, scheduling and running campaigns. Services: the caller commits and enqueues."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from app.billing.limits import PlanLimitError, check_can_send
from app.campaigns import audience, personalize
from app.contacts.records import field_definitions
from app.extensions import db
from app.models import Campaign, CampaignStatus, Channel, ChannelKind, Segment, Workspace, utcnow

CAMPAIGN_KINDS = (ChannelKind.SMS, ChannelKind.EMAIL, ChannelKind.WHATSAPP)


class CampaignError(ValueError):
    """A refused change; `field` names the form field (or "status")."""

    def __init__(self, field_name: str, reason: str):
        super().__init__(reason)
        self.field = field_name
        self.reason = reason


@dataclass
class CampaignInput:
    name: str
    channel_id: int | None
    tags: list[str] = field(default_factory=list)
    segment_ids: list[int] = field(default_factory=list)
    body: str = ""
    subject: str = ""
    template: dict | None = None


def channels_for(workspace_id: int) -> list[Channel]:
    return list(
        db.session.scalars(
            sa.select(Channel)
            .where(
                Channel.workspace_id == workspace_id,
                Channel.kind.in_(CAMPAIGN_KINDS),
                Channel.disconnected_at.is_(None),
            )
            .order_by(Channel.name)
        )
    )


def segments_for(workspace_id: int) -> list[Segment]:
    return list(
        db.session.scalars(sa.select(Segment).where(Segment.workspace_id == workspace_id).order_by(Segment.name))
    )


def save(
    workspace: Workspace, data: CampaignInput, campaign: Campaign | None = None, user_id: int | None = None
) -> Campaign:
    """Create or update a draft/scheduled campaign after checking every part."""
    if campaign is not None and not campaign.is_editable:
        raise CampaignError("status", _("A campaign cannot be edited once it has started."))
    channel = db.session.get(Channel, data.channel_id or 0)
    if channel is None or channel.workspace_id != workspace.id or channel.kind not in CAMPAIGN_KINDS:
        raise CampaignError("channel_id", _("Choose an SMS, e-mail or WhatsApp channel of this workspace."))
    if not (data.name or "").strip():
        raise CampaignError("name", _("Give the campaign a name."))
    if not data.tags and not data.segment_ids:
        raise CampaignError("tags", _("Choose at least one tag or segment."))
    _check_content(workspace, channel, data)
    campaign = campaign or Campaign(workspace_id=workspace.id, created_by_id=user_id)
    campaign.name = data.name.strip()[:200]
    campaign.channel_id = channel.id
    campaign.audience = {"tags": list(data.tags), "segment_ids": [int(i) for i in data.segment_ids]}
    campaign.body, campaign.subject = data.body or "", (data.subject or "")[:300]
    campaign.template = data.template if channel.kind == ChannelKind.WHATSAPP else None
    db.session.add(campaign)
    db.session.flush()
    return campaign


def _check_content(workspace: Workspace, channel: Channel, data: CampaignInput) -> None:
    keys = [f.key for f in field_definitions(workspace.id)]
    parts = {"body": data.body, "subject": data.subject}
    if channel.kind == ChannelKind.WHATSAPP:
        if not (data.template or {}).get("name"):
            raise CampaignError("template_name", _("WhatsApp campaigns need an approved template name."))
        parts = {"template_variables": "\n".join((data.template or {}).get("variables") or [])}
    elif not (data.body or "").strip():
        raise CampaignError("body", _("Write the message."))
    if channel.kind == ChannelKind.EMAIL and not (data.subject or "").strip():
        raise CampaignError("subject", _("E-mail campaigns need a subject."))
    for name, source in parts.items():
        try:
            personalize.check(source or "", keys)
        except personalize.TemplateError as error:
            raise CampaignError(name, _("Template problem: %(error)s", error=str(error))) from error


def schedule(campaign: Campaign, local_time: datetime, timezone: str) -> None:
    """Schedule at a wall-clock time in the workspace's zone; the past is refused."""
    if not campaign.is_editable:
        raise CampaignError("status", _("A campaign cannot be edited once it has started."))
    at = local_time.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC).replace(tzinfo=None)
    if at <= utcnow():
        raise CampaignError("scheduled_at", _("That time has already passed; choose a time in the future."))
    campaign.scheduled_at, campaign.status = at, CampaignStatus.SCHEDULED


def unschedule(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.SCHEDULED:
        campaign.status, campaign.scheduled_at = CampaignStatus.DRAFT, None


def start(campaign: Campaign) -> None:
    """draft/scheduled → running; the caller commits, then enqueues the audience job."""
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED):
        raise CampaignError("status", _("This campaign has already started."))
    if db.session.get(Channel, campaign.channel_id).disconnected_at is not None:
        raise CampaignError("status", _("The campaign's channel is disconnected."))
    _check_plan(campaign)
    campaign.status, campaign.started_at = CampaignStatus.RUNNING, utcnow()


def _check_plan(campaign: Campaign) -> None:
    """The plan's monthly messages must cover everyone who would be sent to (billing)."""
    channel = db.session.get(Channel, campaign.channel_id)
    count = audience.live_count(campaign.workspace_id, campaign.audience, channel.kind)["consenting"]
    try:
        check_can_send(db.session.get(Workspace, campaign.workspace_id), count, campaign=True)
    except PlanLimitError as limit:
        raise CampaignError("status", limit.reason) from limit


def pause(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.RUNNING:
        raise CampaignError("status", _("Only a running campaign can be paused."))
    campaign.status = CampaignStatus.PAUSED


def resume(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.PAUSED:
        raise CampaignError("status", _("Only a paused campaign can be resumed."))
    campaign.status = CampaignStatus.RUNNING


def cancel(campaign: Campaign) -> None:
    """Stop for good; recipients not yet sent stay queued and are never sent."""
    if campaign.status in (CampaignStatus.COMPLETED, CampaignStatus.CANCELED):
        raise CampaignError("status", _("This campaign has already ended."))
    campaign.status, campaign.finished_at = CampaignStatus.CANCELED, utcnow()


def due_campaigns(now: datetime | None = None) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Campaign.id).where(
                Campaign.status == CampaignStatus.SCHEDULED, Campaign.scheduled_at <= (now or utcnow())
            )
        )
    )


def live_count(campaign_or_workspace_id: int, tags: list[str], segment_ids: list[int], channel: Channel | None) -> dict:
    return audience.live_count(
        campaign_or_workspace_id, {"tags": tags, "segment_ids": segment_ids}, channel.kind if channel else None
    )
