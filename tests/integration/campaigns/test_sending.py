"""Campaigns end to end through real RQ workers: consent, personalisation, providers, statuses."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.auth.api_tokens import create_token
from app.campaigns import fanout
from app.campaigns.statuses import apply_recipient_status, handle_bounce
from app.extensions import db
from app.jobs import enqueue
from app.jobs.campaigns import materialize_audience
from app.models import (
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    ChannelKind,
    ConsentEvent,
    ConsentStatus,
    RecipientState,
    Suppression,
    utcnow,
)
from app.privacy.consent import consent_state
from tests.factories import membership
from tests.fakes.smtp_server import _free_port
from tests.integration.campaigns.helpers import campaign_channel, contact


def _api(client, workspace, owner):
    _row, raw = create_token(membership(workspace, owner), "test")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def _run(client, headers, payload, run_jobs):
    response = client.post("/api/v1/campaigns", json=payload, headers=headers)
    assert response.status_code == 201, response.get_json()
    campaign_id = response.get_json()["id"]
    assert client.post(f"/api/v1/campaigns/{campaign_id}/start", headers=headers).status_code == 202
    run_jobs()
    return campaign_id, client.get(f"/api/v1/campaigns/{campaign_id}", headers=headers).get_json()


def test_sms_campaign_reaches_only_consenting_contacts_personalised(client, workspace, owner, providers, run_jobs):
    channel = campaign_channel(workspace, ChannelKind.SMS)
    contact(workspace, "Ana Pérez", phone="+525512345678", consent={"sms": "granted"})
    contact(workspace, "", phone="+525512345679", consent={"sms": "granted"})
    contact(workspace, "Opted Out", phone="+525512345670", consent={"sms": "withdrawn"})
    contact(workspace, "Never Asked", phone="+525512345671")
    contact(workspace, "Other Tag", phone="+525512345672", tags=["other"], consent={"sms": "granted"})
    headers = _api(client, workspace, owner)
    body = 'Hola {{ first_name | default("there") }}, 20% off today'
    campaign_id, answer = _run(
        client,
        headers,
        {"name": "Promo", "channel_id": channel.id, "audience": {"tags": ["news"]}, "body": body},
        run_jobs,
    )
    assert answer["status"] == "completed"
    assert answer["counts"] == {
        "queued": 0,
        "sent": 2,
        "delivered": 0,
        "read": 0,
        "failed": 0,
        "clicked": 0,
        "skipped": 2,
    }
    sent = sorted((c["form"]["To"], c["form"]["Body"]) for c in providers.calls_to("/Messages.json"))
    assert sent == [("+525512345678", "Hola Ana, 20% off today"), ("+525512345679", "Hola there, 20% off today")]
    reasons = set(
        db.session.scalars(sa.select(CampaignRecipient.error).where(CampaignRecipient.state == RecipientState.SKIPPED))
    )
    assert reasons == {"opted out", "no consent for this channel"}


def test_status_webhooks_move_recipients_forward_only(client, workspace, owner, providers, run_jobs):
    channel = campaign_channel(workspace, ChannelKind.SMS)
    channel_id = channel.id
    contact(workspace, "Ana", phone="+525512345678", consent={"sms": "granted"})
    headers = _api(client, workspace, owner)
    campaign_id, _ = _run(
        client, headers, {"name": "P", "channel_id": channel.id, "audience": {"tags": ["news"]}, "body": "Hi"}, run_jobs
    )
    sid = db.session.scalar(sa.select(CampaignRecipient.provider_message_id))
    assert apply_recipient_status(channel_id, sid, "read", None)
    assert apply_recipient_status(channel_id, sid, "delivered", None)  # late: matched, but no step back
    db.session.commit()
    assert apply_recipient_status(channel_id, "SMunknown", "delivered", None) is False
    counts = client.get(f"/api/v1/campaigns/{campaign_id}", headers=headers).get_json()["counts"]
    assert (counts["read"], counts["delivered"], counts["sent"]) == (1, 0, 0)


def test_whatsapp_campaign_sends_the_approved_template_with_variables(client, workspace, owner, providers, run_jobs):
    channel = campaign_channel(workspace, ChannelKind.WHATSAPP)
    contact(workspace, "Lucía Rojas", phone="+525512345678", consent={"whatsapp": "granted"})
    headers = _api(client, workspace, owner)
    template = {"name": "spring_sale", "language": "es_MX", "variables": ["{{ first_name }}", "20%"]}
    _run(
        client,
        headers,
        {"name": "WA", "channel_id": channel.id, "audience": {"tags": ["news"]}, "template": template},
        run_jobs,
    )
    [call] = providers.calls_to("/messages")
    assert call["json"]["to"] == "525512345678" and call["json"]["type"] == "template"
    assert call["json"]["template"] == {
        "name": "spring_sale",
        "language": {"code": "es_MX"},
        "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "Lucía"}, {"type": "text", "text": "20%"}]}
        ],
    }


def test_email_campaign_over_smtp_has_both_parts_tracked_links_and_rfc8058_headers(
    client, workspace, owner, smtp_server, run_jobs, app
):
    channel = campaign_channel(workspace, ChannelKind.EMAIL, smtp_port=smtp_server.port)
    person_id = contact(workspace, "Ana", email="ana@example.com", consent={"email": "granted"}).id
    headers = _api(client, workspace, owner)
    body = '<p>Hola {{ name }}, see <a href="https://shop.example/sale">the sale</a></p><script>alert(1)</script>'
    payload = {
        "name": "Mail",
        "channel_id": channel.id,
        "audience": {"tags": ["news"]},
        "body": body,
        "subject": "Sale for {{ first_name }}",
    }
    campaign_id, answer = _run(client, headers, payload, run_jobs)
    assert answer["counts"]["sent"] == 1
    [received] = smtp_server.messages
    mail = email.message_from_bytes(received["data"], policy=email.policy.default)
    assert mail["Subject"] == "Sale for Ana"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = re.fullmatch(r"<(http://localhost/u/[^>]+)>", mail["List-Unsubscribe"]).group(1)
    html = mail.get_body(("html",)).get_content()
    text = mail.get_body(("plain",)).get_content()
    assert "<script>" not in html and "https://shop.example/sale" not in html
    click_url = re.search(r'href="(http://localhost/c/[^"]+)"', html).group(1)
    assert click_url in text and unsubscribe_url in text
    response = client.get(click_url.removeprefix("http://localhost"))
    assert response.status_code == 302 and response.headers["Location"] == "https://shop.example/sale"
    run_jobs()
    assert client.get(f"/api/v1/campaigns/{campaign_id}", headers=headers).get_json()["counts"]["clicked"] == 1
    one_click = client.post(
        unsubscribe_url.removeprefix("http://localhost"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    assert consent_state(person_id, ChannelKind.EMAIL) == ConsentStatus.WITHDRAWN
    event = db.session.scalar(sa.select(ConsentEvent).order_by(ConsentEvent.id.desc()))
    assert event.source == "unsubscribe_link" and f"campaign {campaign_id}" in event.evidence


def test_unsubscribe_page_speaks_the_contacts_language(client, workspace, owner, smtp_server, run_jobs):
    channel = campaign_channel(workspace, ChannelKind.EMAIL, smtp_port=smtp_server.port)
    person = contact(workspace, "Ana", email="ana@example.com", consent={"email": "granted"})
    person.locale = "es"
    db.session.commit()
    person_id = person.id
    headers = _api(client, workspace, owner)
    _run(
        client,
        headers,
        {"name": "M", "channel_id": channel.id, "audience": {"tags": ["news"]}, "body": "Hola", "subject": "S"},
        run_jobs,
    )
    mail = email.message_from_bytes(smtp_server.messages[0]["data"], policy=email.policy.default)
    path = mail["List-Unsubscribe"].strip("<>").removeprefix("http://localhost")
    page = client.get(path).get_data(as_text=True)
    assert "Darse de baja" in page or "darte de baja" in page.lower()
    assert consent_state(person_id, ChannelKind.EMAIL) == ConsentStatus.GRANTED  # GET changes nothing


class _RefuseUnknown:
    """An SMTP server that knows only some mailboxes, as a real one answers 550 5.1.1."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone@"):
            return "550 5.1.1 User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


@pytest.fixture
def refusing_smtp():
    controller = Controller(_RefuseUnknown(), hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller
    controller.stop()


def test_smtp_permanent_refusal_fails_and_suppresses_the_address(client, workspace, owner, refusing_smtp, run_jobs):
    channel = campaign_channel(workspace, ChannelKind.EMAIL, smtp_port=refusing_smtp.port, smtp_username="")
    contact(workspace, "Gone", email="gone@example.com", consent={"email": "granted"})
    contact(workspace, "Here", email="here@example.com", consent={"email": "granted"})
    headers = _api(client, workspace, owner)
    payload = {"name": "M", "channel_id": channel.id, "audience": {"tags": ["news"]}, "body": "x", "subject": "s"}
    _, answer = _run(client, headers, payload, run_jobs)
    assert (answer["counts"]["failed"], answer["counts"]["sent"]) == (1, 1)
    assert db.session.scalar(
        sa.select(CampaignRecipient.error).where(CampaignRecipient.state == RecipientState.FAILED)
    ) == ("the mail server refused the recipient")
    assert db.session.scalar(sa.select(Suppression.address)) == "gone@example.com"
    _, again = _run(client, headers, payload, run_jobs)
    assert (again["counts"]["skipped"], again["counts"]["sent"]) == (1, 1)


DSN = """From: MAILER-DAEMON@mx.example
To: hola@aurora.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

Your message could not be delivered.
--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example

Final-Recipient: rfc822; ana@example.com
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--b1
Content-Type: text/rfc822-headers

Message-ID: {message_id}
Subject: Sale

--b1--
"""


def test_dsn_bounce_fails_the_recipient_and_later_campaigns_skip_the_address(
    client, workspace, owner, smtp_server, run_jobs
):
    channel = campaign_channel(workspace, ChannelKind.EMAIL, smtp_port=smtp_server.port)
    channel_id = channel.id
    contact(workspace, "Ana", email="ana@example.com", consent={"email": "granted"})
    headers = _api(client, workspace, owner)
    payload = {"name": "M", "channel_id": channel.id, "audience": {"tags": ["news"]}, "body": "x", "subject": "s"}
    _run(client, headers, payload, run_jobs)
    message_id = db.session.scalar(sa.select(CampaignRecipient.provider_message_id))
    assert handle_bounce(channel_id, DSN.format(message_id=message_id).encode())
    db.session.commit()
    recipient = db.session.scalar(sa.select(CampaignRecipient))
    assert recipient.state == RecipientState.FAILED and "5.1.1" in recipient.error
    assert db.session.scalar(sa.select(Suppression.address)) == "ana@example.com"
    _, second = _run(client, headers, payload, run_jobs)
    assert second["counts"]["skipped"] == 1 and len(smtp_server.messages) == 1
    assert handle_bounce(channel_id, b"Subject: hello\n\nnot a report") is False


def test_a_worker_killed_mid_batch_never_causes_a_resend(app, client, workspace, owner, providers, run_jobs, redis):
    """The journal decides stale rows: answered → kept, attempted → unknown, untouched → sent once."""
    channel = campaign_channel(workspace, ChannelKind.SMS)
    for n in range(3):
        contact(workspace, f"P{n}", phone=f"+52551234567{n}", consent={"sms": "granted"})
    headers = _api(client, workspace, owner)
    response = client.post(
        "/api/v1/campaigns",
        json={"name": "K", "channel_id": channel.id, "audience": {"tags": ["news"]}, "body": "Hi"},
        headers=headers,
    )
    campaign = db.session.get(Campaign, response.get_json()["id"])
    campaign.status = CampaignStatus.RUNNING
    db.session.commit()
    fanout.materialize(campaign.id)
    token, ids = fanout.claim(campaign.id, 10, redis)  # the worker claimed three rows, then…
    redis.hset(f"conversa:claim:{token}", f"a:{ids[0]}", "1")  # …started the first call and died, or
    redis.hset(f"conversa:claim:{token}", f"a:{ids[1]}", "1")
    redis.hset(f"conversa:claim:{token}", f"r:{ids[1]}", '["sent", "SMdone", null]')  # had an answer
    db.session.execute(sa.update(CampaignRecipient).values(claimed_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    assert fanout.sweep_stale() == {"requeued": 1, "recovered": 1, "unknown": 1}
    campaign_id = campaign.id
    enqueue(materialize_audience, campaign_id)
    run_jobs()
    rows = {r.id: r for r in db.session.scalars(sa.select(CampaignRecipient))}
    assert rows[ids[0]].state == RecipientState.FAILED and "not resent" in rows[ids[0]].error
    assert rows[ids[1]].state == RecipientState.SENT and rows[ids[1]].provider_message_id == "SMdone"
    assert rows[ids[2]].state == RecipientState.SENT
    assert [c["form"]["To"] for c in providers.calls_to("/Messages.json")] == [rows[ids[2]].address]
    assert db.session.get(Campaign, campaign_id).status == CampaignStatus.COMPLETED
