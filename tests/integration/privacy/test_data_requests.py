"""Staff data-subject tools and CONTRACT §4 export/delete over the API."""

from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.auth import api_tokens
from app.extensions import db
from app.models import (
    ChannelKind,
    ConsentStatus,
    Contact,
    DataRequest,
    PrivacyRegime,
    RequestKind,
    Role,
)
from app.privacy.consent import CONSENT_CHANNELS, is_opted_out, record_consent
from app.privacy.dsr import due_date
from app.storage import get_storage
from tests.factories import (
    make_attachment,
    make_channel,
    make_contact,
    make_conversation,
    make_member,
    make_message,
    make_workspace,
    member_of,
    membership,
)


@pytest.fixture
def full_contact(workspace):
    channel = make_channel(workspace, ChannelKind.WHATSAPP)
    contact = make_contact(workspace, channel, external_id="5215512345678", name="Ana López", email="ana@example.com")
    record_consent(contact, ChannelKind.WHATSAPP, ConsentStatus.GRANTED, source="form", evidence="web form 2026-01-01")
    db.session.commit()
    message = make_message(make_conversation(channel, contact), text="¿Tienen talla M?")
    make_attachment(message)
    return contact


def _token(workspace, user) -> dict:
    _, raw = api_tokens.create_token(membership(workspace, user), "test")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_api_export_holds_everything_about_the_contact(client, workspace, owner, full_contact):
    response = client.get(f"/api/v1/contacts/{full_contact.id}/export", headers=_token(workspace, owner))
    assert response.status_code == 200
    document = response.get_json()
    assert document["contact"]["name"] == "Ana López" and document["contact"]["email"] == "ana@example.com"
    assert document["identities"][0] == {
        **document["identities"][0],
        "channel_type": "whatsapp",
        "external_id": "5215512345678",
    }
    assert document["consents"][0]["status"] == "granted" and document["consents"][0]["evidence"]
    assert document["conversations"][0]["messages"][0]["text"] == "¿Tienen talla M?"
    assert document["conversations"][0]["messages"][0]["attachments"][0]["filename"] == "photo.png"
    assert db.session.scalar(sa.select(DataRequest.kind)) == RequestKind.ACCESS


def test_api_delete_answers_202_with_code_and_status_url(client, workspace, owner, full_contact, run_jobs):
    contact_id = full_contact.id
    response = client.delete(f"/api/v1/contacts/{contact_id}", headers=_token(workspace, owner))
    assert response.status_code == 202
    body = response.get_json()
    assert set(body) == {"confirmation_code", "status_url"}
    assert body["status_url"] == f"http://localhost/data-deletion/{body['confirmation_code']}"
    run_jobs()
    status = client.get(body["status_url"].removeprefix("http://localhost"), headers={"Accept": "application/json"})
    assert status.get_json()["status"] == "completed"
    assert status.get_json()["deleted"]["messages"] == 1 and status.get_json()["deleted"]["consent_records"] == 1
    assert db.session.get(Contact, contact_id) is None
    assert not any(Path(get_storage().root).rglob("*.*"))  # attachments are stored without extension
    data_request = db.session.scalar(sa.select(DataRequest))
    assert data_request.kind == RequestKind.ERASURE and data_request.completed_at is not None


def test_agents_cannot_export_or_delete_over_the_api(client, workspace, full_contact):
    agent = make_member(workspace, Role.AGENT)
    headers = _token(workspace, agent)
    assert client.get(f"/api/v1/contacts/{full_contact.id}/export", headers=headers).status_code == 403
    assert client.delete(f"/api/v1/contacts/{full_contact.id}", headers=headers).status_code == 403
    assert db.session.get(Contact, full_contact.id) is not None


def test_another_workspaces_contact_is_404(client, workspace, owner, full_contact):
    other = make_workspace()
    headers = _token(other, member_of(other))
    assert client.get(f"/api/v1/contacts/{full_contact.id}/export", headers=headers).status_code == 404
    assert client.delete(f"/api/v1/contacts/{full_contact.id}", headers=headers).status_code == 404
    assert db.session.get(Contact, full_contact.id) is not None


def test_staff_delete_button_shows_the_code(client, login_as, workspace, owner, full_contact, run_jobs):
    login_as(owner, workspace)
    contact_id = full_contact.id
    page = client.post(f"/contacts/{contact_id}/privacy/delete").get_data(as_text=True)
    assert "data-confirmation-code" in page
    run_jobs()
    assert db.session.get(Contact, contact_id) is None


def test_objection_withdraws_consent_everywhere_at_once(client, login_as, workspace, owner, full_contact):
    login_as(owner, workspace)
    response = client.post(f"/contacts/{full_contact.id}/privacy/object")
    assert response.status_code == 302
    assert all(is_opted_out(full_contact.id, channel) for channel in CONSENT_CHANNELS)
    assert db.session.scalar(sa.select(DataRequest.kind)) == RequestKind.OBJECTION


def test_correction_normalises_and_validates(client, login_as, workspace, owner, full_contact):
    login_as(owner, workspace)
    url = f"/contacts/{full_contact.id}/privacy/correct"
    bad = client.post(url, data={"name": "Ana", "phone": "12", "email": "", "custom_fields": ""})
    assert bad.status_code == 400 and "valid phone" in bad.get_data(as_text=True)
    good = client.post(
        url,
        data={"name": "Ana María", "phone": "55 1234 5678", "email": "ANA@Example.com", "custom_fields": "city: CDMX"},
    )
    assert good.status_code == 302
    db.session.expire_all()
    contact = db.session.get(Contact, full_contact.id)
    assert (contact.name, contact.phone, contact.custom_fields) == ("Ana María", "+525512345678", {"city": "CDMX"})


def test_privacy_pages_are_for_admins_and_this_workspace(client, login_as, workspace, full_contact):
    login_as(make_member(workspace, Role.AGENT), workspace)
    assert client.get(f"/contacts/{full_contact.id}/privacy").status_code == 403
    other = make_workspace()
    login_as(member_of(other), other)
    assert client.get(f"/contacts/{full_contact.id}/privacy").status_code == 404
    assert client.get(f"/contacts/{full_contact.id}/privacy/export").status_code == 404
    assert client.post(f"/contacts/{full_contact.id}/privacy/delete").status_code == 404


def test_requests_page_lists_kind_source_and_due_date_by_regime(client, login_as, workspace, owner, full_contact):
    login_as(owner, workspace)
    client.get(f"/contacts/{full_contact.id}/privacy/export")
    page = client.get("/privacy/requests").get_data(as_text=True)
    assert "Access (export)" in page and "Staff" in page
    response = client.post("/privacy/requests", data={"regime": "arco", "meta_retention_days": "365"})
    assert response.status_code == 302
    refused = client.post("/privacy/requests", data={"regime": "gdpr", "meta_retention_days": "1000"})
    assert "Between 30 and 730" in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("regime", "received", "due"),
    [
        (PrivacyRegime.GDPR, datetime(2026, 1, 31, 9), datetime(2026, 2, 28, 9)),
        (PrivacyRegime.GDPR, datetime(2026, 12, 15), datetime(2027, 1, 15)),
        (PrivacyRegime.ARCO, datetime(2026, 11, 20), datetime(2026, 12, 18)),  # a Friday: 20 weekdays later
        (PrivacyRegime.CCPA, datetime(2026, 1, 1), datetime(2026, 2, 15)),
    ],
)
def test_due_dates_follow_the_chosen_law(regime, received, due):
    assert due_date(received, regime) == due
