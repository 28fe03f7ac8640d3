"""Campaign pages, the rules a campaign must pass, the contacts API, and pacing seen by the provider."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from app.auth.api_tokens import create_token
from app.extensions import db
from app.models import Campaign, CampaignStatus, ChannelKind, Contact, Segment
from tests.factories import membership
from tests.integration.campaigns.helpers import TimedCalls, campaign_channel, contact


def _headers(workspace, owner):
    _row, raw = create_token(membership(workspace, owner), "test")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_building_previewing_scheduling_and_watching_a_campaign_in_the_pages(client, login_as, workspace, owner):
    channel = campaign_channel(workspace, ChannelKind.SMS)
    contact(workspace, "Ana Pérez", phone="+525512345678", consent={"sms": "granted"})
    contact(workspace, "Bea", phone="+525512345679")
    login_as(owner)
    assert client.get("/campaigns").status_code == 200
    assert client.get("/campaigns/new").status_code == 200
    count = client.get(f"/campaigns/audience-count?channel_id={channel.id}&tags=news").get_data(as_text=True)
    assert "2 contacts" in count and "1 have consent" in count
    form = {"name": "Spring", "channel_id": channel.id, "tags": ["news"], "body": "Hi {{ first_name }} {{ shoe_size }}"}
    refused = client.post("/campaigns/new", data=form)
    assert refused.status_code == 400 and "unknown variable: shoe_size" in refused.get_data(as_text=True)
    form["body"] = 'Hi {{ first_name | default("there") }}'
    response = client.post("/campaigns/new", data=form)
    assert response.status_code == 302
    campaign_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert "Hi Ana" in client.get(f"/campaigns/{campaign_id}/preview").get_data(as_text=True)
    past = (datetime.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(f"/campaigns/{campaign_id}/schedule", data={"scheduled_at": past})
    assert "already passed" in client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    future = (datetime.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(f"/campaigns/{campaign_id}/schedule", data={"scheduled_at": future})
    campaign = db.session.get(Campaign, campaign_id)
    assert campaign.status == CampaignStatus.SCHEDULED and campaign.scheduled_at > datetime.now() + timedelta(days=1)
    assert client.post(f"/campaigns/{campaign_id}/start", data={}).status_code == 302
    detail = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert 'hx-trigger="every 2s"' in detail and "<svg" in detail
    edit = client.post(f"/campaigns/{campaign_id}/edit", data=form)
    assert edit.status_code == 400 and "cannot be edited once it has started" in edit.get_data(as_text=True)
    assert client.get(f"/campaigns/{campaign_id}/recipients.csv").status_code == 200


def test_the_schedule_is_read_in_the_workspace_time_zone(client, login_as, workspace, owner):
    workspace.timezone = "America/Santiago"
    db.session.commit()
    channel = campaign_channel(workspace, ChannelKind.SMS)
    login_as(owner)
    form = {"name": "S", "channel_id": channel.id, "tags": ["news"], "body": "Hola"}
    campaign_id = int(client.post("/campaigns/new", data=form).headers["Location"].rsplit("/", 1)[1])
    client.post(f"/campaigns/{campaign_id}/schedule", data={"scheduled_at": "2099-01-15T09:00"})
    assert db.session.get(Campaign, campaign_id).scheduled_at == datetime(2099, 1, 15, 12, 0)  # 09:00 at UTC-3


def test_agents_cannot_reach_campaigns(client, login_as, workspace):
    from app.models import Role
    from tests.factories import make_member

    login_as(make_member(workspace, Role.AGENT))
    assert client.get("/campaigns").status_code == 403


def test_segment_saved_from_the_contact_filters_feeds_an_audience(client, login_as, workspace, owner):
    channel = campaign_channel(workspace, ChannelKind.SMS)
    contact(workspace, "Ana", phone="+525512345678", tags=["vip"], consent={"sms": "granted"})
    login_as(owner)
    client.post("/campaigns/segments", data={"name": "VIPs", "tag": "vip"})
    segment = db.session.scalar(sa.select(Segment))
    assert segment.filters["tags"] == ["vip"]
    count = client.get(f"/campaigns/audience-count?channel_id={channel.id}&segment_ids={segment.id}").get_data(
        as_text=True
    )
    assert "1 contacts" in count


def test_contacts_api_creates_lists_and_reads_with_consents(client, workspace, owner):
    headers = _headers(workspace, owner)
    bad = client.post("/api/v1/contacts", json={"name": "X", "phone": "123"}, headers=headers)
    assert bad.status_code == 422 and bad.get_json()["error"].startswith("phone")
    bad = client.post("/api/v1/contacts", json={"name": "X", "email": "nope@"}, headers=headers)
    assert bad.status_code == 422 and bad.get_json()["error"].startswith("email")
    payload = {
        "name": "Ana",
        "phone": "+525512345678",
        "email": "ana@example.com",
        "tags": ["vip"],
        "consents": [{"channel": "sms", "status": "granted", "source": "form", "evidence": "web form 2025-03-01"}],
    }
    created = client.post("/api/v1/contacts", json=payload, headers=headers)
    assert created.status_code == 201
    contact_id = created.get_json()["id"]
    listed = client.get("/api/v1/contacts?tag=vip", headers=headers).get_json()
    assert [c["id"] for c in listed["contacts"]] == [contact_id] and listed["next_cursor"] is None
    assert client.get("/api/v1/contacts?q=nobody", headers=headers).get_json()["contacts"] == []
    detail = client.get(f"/api/v1/contacts/{contact_id}", headers=headers).get_json()
    assert detail["consents"] == [{"channel": "sms", "status": "granted"}] and detail["tags"] == ["vip"]
    assert detail["identities"] == []
    assert db.session.scalar(sa.select(Contact.phone)) == "+525512345678"


def test_campaign_api_refuses_unknown_variables_and_other_workspaces(client, workspace, owner):
    from tests.factories import make_workspace

    channel = campaign_channel(workspace, ChannelKind.SMS)
    headers = _headers(workspace, owner)
    bad = client.post(
        "/api/v1/campaigns",
        json={"name": "X", "channel_id": channel.id, "audience": {"tags": ["a"]}, "body": "{{ nope }}"},
        headers=headers,
    )
    assert bad.status_code == 422 and "nope" in bad.get_json()["error"]
    foreign = campaign_channel(make_workspace(), ChannelKind.SMS)
    other = client.post(
        "/api/v1/campaigns",
        json={"name": "X", "channel_id": foreign.id, "audience": {"tags": ["a"]}, "body": "Hi"},
        headers=headers,
    )
    assert other.status_code == 422
    assert client.get("/api/v1/campaigns/999", headers=headers).status_code == 404


def test_pacing_never_exceeds_the_channel_rate_in_any_second(client, workspace, owner, providers, run_jobs):
    """Arrival times logged by the fake provider itself: no sliding one-second window above the rate."""
    providers.calls = TimedCalls()
    channel = campaign_channel(workspace, ChannelKind.SMS, rate=5)
    for n in range(16):
        contact(workspace, f"P{n}", phone=f"+5255123456{n:02d}", consent={"sms": "granted"})
    headers = _headers(workspace, owner)
    campaign_id = client.post(
        "/api/v1/campaigns",
        json={"name": "R", "channel_id": channel.id, "audience": {"tags": ["news"]}, "body": "Hi"},
        headers=headers,
    ).get_json()["id"]
    client.post(f"/api/v1/campaigns/{campaign_id}/start", headers=headers)
    run_jobs()
    arrivals = [
        t for t, c in zip(providers.calls.arrivals, providers.calls, strict=True) if "/Messages.json" in c["path"]
    ]
    assert len(arrivals) == 16
    # The limiter spaces sends 2.5 % wider than 1/rate; the fake stamps arrivals in its own thread,
    # so on a busy test host a stamp may lag by tens of ms. Windows of 0.95 s keep that out.
    worst = max(sum(1 for t in arrivals if start <= t < start + 0.95) for start in arrivals)
    assert worst <= 5
    assert arrivals[-1] - arrivals[0] >= 15 / 5 * 0.95  # 16 sends at 5/s take at least ~3 s
