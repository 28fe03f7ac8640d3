"""The features meet on real webhooks: automation, opt-out keywords, campaign statuses, bounces."""

import sqlalchemy as sa

from app.auth.api_tokens import create_token
from app.extensions import db
from app.inbox.settings import add_keyword
from app.models import (
    CampaignRecipient,
    ChannelKind,
    ConsentStatus,
    Message,
    MessageKind,
    MessageStatus,
    RecipientState,
)
from app.privacy.consent import consent_state
from tests.factories import member_of, membership
from tests.fakes import samples
from tests.integration.campaigns.helpers import campaign_channel, contact
from tests.integration.campaigns.test_sending import DSN
from tests.webhook_client import connect_sample_channel, post_payload


def test_a_keyword_in_a_real_webhook_gets_the_automatic_reply(client, workspace, providers, run_jobs):
    channel = connect_sample_channel(workspace, ChannelKind.TELEGRAM)
    add_keyword(workspace, "envíos", "Enviamos a todo Chile en 48 horas.")
    db.session.commit()
    payload = samples.load("telegram", "text", providers.base + "/media")
    assert post_payload(client, channel, payload).status_code == 200
    run_jobs()
    [reply] = db.session.scalars(sa.select(Message).where(Message.kind == MessageKind.AUTO)).all()
    assert (reply.text, reply.status) == ("Enviamos a todo Chile en 48 horas.", MessageStatus.SENT)
    assert [call["json"]["text"] for call in providers.calls_to("sendMessage")] == [reply.text]


def _sms_channel_and_contact(workspace):
    channel = campaign_channel(workspace, ChannelKind.SMS)
    person = contact(workspace, "Ana", phone="+525512345678", consent={"sms": "granted"})
    return channel, person


def _campaign_headers(workspace):
    owner = member_of(workspace)
    _, raw = create_token(membership(workspace, owner), "pipeline")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_a_twilio_status_webhook_moves_a_campaign_recipient(client, workspace, providers, run_jobs):
    channel, _ = _sms_channel_and_contact(workspace)
    headers = _campaign_headers(workspace)
    body = {"name": "Sale", "channel_id": channel.id, "audience": {"tags": ["news"]}, "body": "20% off"}
    campaign_id = client.post("/api/v1/campaigns", json=body, headers=headers).get_json()["id"]
    client.post(f"/api/v1/campaigns/{campaign_id}/start", headers=headers)
    run_jobs()
    sid = db.session.scalar(sa.select(CampaignRecipient.provider_message_id))
    status = samples.load("sms", "status_delivered", providers.base + "/media")
    status.update(MessageSid=sid, SmsSid=sid, To="+525512345678")
    assert post_payload(client, channel, status, status=True).status_code == 200
    run_jobs()
    counts = client.get(f"/api/v1/campaigns/{campaign_id}", headers=headers).get_json()["counts"]
    assert (counts["delivered"], counts["sent"]) == (1, 0)


def test_an_sms_stop_reply_withdraws_consent_and_confirms(client, workspace, providers, run_jobs):
    channel, person = _sms_channel_and_contact(workspace)
    person_id = person.id
    inbound = samples.load("sms", "text", providers.base + "/media")
    inbound.update(From="+525512345678", Body="STOP")
    assert post_payload(client, channel, inbound).status_code == 200
    run_jobs()
    assert consent_state(person_id, ChannelKind.SMS) == ConsentStatus.WITHDRAWN
    [confirmation] = providers.calls_to("/Messages.json")
    assert confirmation["form"]["To"] == "+525512345678"


def test_a_bounce_report_at_the_inbound_address_fails_the_recipient(client, workspace, smtp_server, run_jobs):
    channel = campaign_channel(workspace, ChannelKind.EMAIL, smtp_port=smtp_server.port)
    contact(workspace, "Ana", email="ana@example.com", consent={"email": "granted"})
    headers = _campaign_headers(workspace)
    body = {"name": "M", "channel_id": channel.id, "audience": {"tags": ["news"]}, "body": "x", "subject": "s"}
    campaign_id = client.post("/api/v1/campaigns", json=body, headers=headers).get_json()["id"]
    client.post(f"/api/v1/campaigns/{campaign_id}/start", headers=headers)
    run_jobs()
    message_id = db.session.scalar(sa.select(CampaignRecipient.provider_message_id))
    assert post_payload(client, channel, DSN.format(message_id=message_id).encode()).status_code == 200
    run_jobs()
    recipient = db.session.scalar(sa.select(CampaignRecipient))
    assert recipient.state == RecipientState.FAILED and "5.1.1" in recipient.error
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0  # not an inbox message
