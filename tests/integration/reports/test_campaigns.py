"""The campaign report: outcomes per campaign and per channel, opt-outs within 7 days, no other workspace."""

from datetime import timedelta

from app.extensions import db
from app.models import (
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    ChannelKind,
    ConsentEvent,
    ConsentStatus,
    RecipientState,
)
from tests.factories import make_channel, make_contact, make_workspace, member_of
from tests.integration.reports.helpers import local

MX = "America/Mexico_City"
RANGE = "range=custom&start=2026-03-09&end=2026-03-15"
S = RecipientState


def _campaign(workspace, channel, name, started_at, states, withdrawn_after=()):
    """A campaign whose recipients reached `states`; `withdrawn_after[i]` = days after sending recipient i opted out."""
    campaign = Campaign(
        workspace_id=workspace.id,
        name=name,
        channel_id=channel.id,
        status=CampaignStatus.COMPLETED,
        started_at=started_at,
    )
    db.session.add(campaign)
    db.session.flush()
    for i, state in enumerate(states):
        contact = make_contact(workspace)
        sent = state in (S.SENT, S.DELIVERED, S.READ)
        recipient = CampaignRecipient(
            campaign_id=campaign.id,
            contact_id=contact.id,
            channel_id=channel.id,
            state=state,
            sent_at=started_at if sent else None,
            delivered_at=started_at if state in (S.DELIVERED, S.READ) else None,
            read_at=started_at if state == S.READ else None,
            clicked_at=started_at if state == S.READ and i == 0 else None,
        )
        db.session.add(recipient)
        if i < len(withdrawn_after):
            db.session.add(
                ConsentEvent(
                    workspace_id=workspace.id,
                    contact_id=contact.id,
                    channel=channel.kind,
                    status=ConsentStatus.WITHDRAWN,
                    source="keyword",
                    created_at=started_at + timedelta(days=withdrawn_after[i]),
                )
            )
    db.session.commit()
    return campaign


def test_campaign_outcomes_and_opt_outs(client, login_as):
    workspace = make_workspace(timezone=MX)
    sms = make_channel(workspace, ChannelKind.SMS, name="SMS line")
    states = [S.READ, S.READ, S.DELIVERED, S.SENT, S.FAILED, S.SKIPPED, S.QUEUED]
    _campaign(workspace, sms, "Spring sale", local("2026-03-10 09:00"), states, withdrawn_after=(1, 9))
    login_as(member_of(workspace), workspace)
    csv = client.get(f"/reports/campaigns/campaigns.csv?{RANGE}").get_data(as_text=True).splitlines()
    assert csv[0] == "Campaign,Channel,Started,Recipients,Sent,Delivered,Read,Clicked,Failed,Skipped,Opt-outs"
    # 4 sent (read, read, delivered, sent); 3 delivered; 2 read; 1 click; the 9-day opt-out is too late.
    assert csv[1:] == ["Spring sale,SMS line,2026-03-10,7,4,3,2,1,1,1,1"]
    page = client.get(f"/reports/campaigns?{RANGE}")
    assert page.status_code == 200 and '<svg class="chart"' in page.get_data(as_text=True)


def test_campaigns_add_up_by_local_start_day_and_channel(client, login_as):
    workspace = make_workspace(timezone=MX)
    sms = make_channel(workspace, ChannelKind.SMS, name="SMS line")
    mail = make_channel(workspace, ChannelKind.EMAIL, name="Newsletter")
    _campaign(workspace, sms, "Late one", local("2026-03-10 23:30"), [S.SENT, S.SENT])  # 11th in UTC
    _campaign(workspace, sms, "Same day", local("2026-03-10 08:00"), [S.DELIVERED])
    _campaign(workspace, mail, "Mail", local("2026-03-12 08:00"), [S.FAILED])
    login_as(member_of(workspace), workspace)
    csv = client.get(f"/reports/campaigns/by_channel_day.csv?{RANGE}").get_data(as_text=True).splitlines()
    assert csv[1:] == ["2026-03-10,SMS line,3,1,0,0,0,0,0", "2026-03-12,Newsletter,0,0,0,0,1,0,0"]


def test_another_workspaces_campaigns_never_appear(client, login_as):
    mine = make_workspace(timezone=MX)
    theirs = make_workspace(timezone=MX)
    _campaign(theirs, make_channel(theirs, ChannelKind.SMS), "Their secret promo", local("2026-03-10 09:00"), [S.SENT])
    login_as(member_of(mine), mine)
    html = client.get(f"/reports/campaigns?{RANGE}").get_data(as_text=True)
    assert "Their secret promo" not in html
    assert client.get(f"/reports/campaigns/campaigns.csv?{RANGE}").get_data(as_text=True).count("\r\n") == 1
