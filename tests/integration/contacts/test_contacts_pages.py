"""Contact list, profile, edits, tags, consent, merge and export through the web pages."""

import sqlalchemy as sa

from app.contacts import records
from app.extensions import db
from app.models import ChannelKind, ConsentEvent, ConsentStatus, Contact, ContactIdentity, Conversation, Role
from app.privacy.consent import consent_state, record_consent
from tests.factories import make_channel, make_contact, make_conversation, make_member, make_workspace, member_of


def _contact(workspace, **values):
    contact = records.create_contact(workspace, records.ContactInput(**values))
    db.session.commit()
    return contact


def test_list_filters_by_search_tag_and_consent(client, login_as, workspace, owner):
    ana = _contact(workspace, name="Ana Pérez", phone="+525512345678", tags=["vip"])
    _contact(workspace, name="Bruno", email="bruno@example.com")
    record_consent(ana, ChannelKind.SMS, ConsentStatus.GRANTED, "form")
    db.session.commit()
    login_as(owner)
    page = client.get("/contacts?q=ana").get_data(as_text=True)
    assert "Ana Pérez" in page and "Bruno" not in page
    page = client.get("/contacts?tag=vip").get_data(as_text=True)
    assert "Ana Pérez" in page and "Bruno" not in page
    page = client.get("/contacts?consent=sms:none").get_data(as_text=True)
    assert "Bruno" in page and "Ana Pérez" not in page
    page = client.get("/contacts?channel=email").get_data(as_text=True)
    assert "Bruno" in page and "Ana Pérez" not in page


def test_list_pages_with_a_keyset_cursor(client, login_as, workspace, owner):
    for n in range(55):
        make_contact(workspace, name=f"Person {n:02d}")
    login_as(owner)
    first = client.get("/contacts").get_data(as_text=True)
    assert "Person 54" in first and "Person 04" not in first
    next_url = first.split('href="/contacts?before=')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(f"/contacts?before={next_url}").get_data(as_text=True)
    assert "Person 04" in second and "Person 54" not in second


def test_agent_sees_contacts_but_cannot_edit(client, login_as, workspace):
    contact = make_contact(workspace)
    login_as(make_member(workspace, Role.AGENT))
    assert client.get(f"/contacts/{contact.id}").status_code == 200
    assert client.post(f"/contacts/{contact.id}/edit", data={"name": "X"}).status_code == 403
    assert client.get("/contacts/export.csv").status_code == 403


def test_another_workspaces_contact_is_404(client, login_as, owner):
    other = make_contact(make_workspace())
    login_as(owner)
    assert client.get(f"/contacts/{other.id}").status_code == 404


def test_new_contact_with_bad_phone_shows_the_error_under_the_field(client, login_as, workspace, owner):
    login_as(owner)
    response = client.post("/contacts/new", data={"name": "X", "phone": "12"})
    assert response.status_code == 200
    assert "not a valid phone number" in response.get_data(as_text=True) or "not a phone number" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(sa.func.count(Contact.id))) == 0


def test_new_contact_reads_local_numbers_in_the_default_country(client, login_as, workspace, owner):
    login_as(owner)
    response = client.post("/contacts/new", data={"name": "Ana", "phone": "55 1234 5678", "tags": "vip, mx"})
    assert response.status_code == 302
    contact = db.session.scalar(sa.select(Contact))
    assert contact.phone == "+525512345678"
    assert [t.name for t in contact.tags] == ["mx", "vip"]


def test_staff_consent_is_recorded_with_source_and_evidence(client, login_as, workspace, owner):
    contact = make_contact(workspace)
    login_as(owner)
    client.post(
        f"/contacts/{contact.id}/consent",
        data={"channel": "email", "status": "granted", "evidence": "signed paper form"},
    )
    event = db.session.scalar(sa.select(ConsentEvent))
    assert (event.source, event.status) == ("staff", ConsentStatus.GRANTED)
    assert "signed paper form" in event.evidence
    assert "signed paper form" in client.get(f"/contacts/{contact.id}").get_data(as_text=True)


def test_merge_moves_identities_conversations_consents_and_tags(client, login_as, workspace, owner):
    channel = make_channel(workspace, ChannelKind.SMS)
    keep = _contact(workspace, name="Ana", email="ana@example.com", tags=["vip"])
    duplicate = make_contact(workspace, channel, name="", phone="+525512345678")
    records.set_tags(duplicate, ["store"])
    conversation = make_conversation(channel, duplicate)
    record_consent(duplicate, ChannelKind.SMS, ConsentStatus.WITHDRAWN, "keyword", "STOP")
    db.session.commit()
    keep_id, duplicate_id, conversation_id = keep.id, duplicate.id, conversation.id
    login_as(owner)
    assert client.post(f"/contacts/{keep_id}/merge", data={"other_id": duplicate_id}).status_code == 302
    db.session.expunge_all()
    keep = db.session.get(Contact, keep_id)
    assert db.session.get(Contact, duplicate_id) is None
    assert keep.phone == "+525512345678" and keep.email == "ana@example.com"
    assert {t.name for t in keep.tags} == {"vip", "store"}
    assert db.session.get(Conversation, conversation_id).contact_id == keep.id
    assert db.session.scalar(sa.select(ContactIdentity.contact_id)) == keep.id
    assert consent_state(keep.id, ChannelKind.SMS) == ConsentStatus.WITHDRAWN


def test_export_csv_has_tags_fields_and_consent(client, login_as, workspace, owner):
    records.add_field(workspace, "city", "City")
    contact = _contact(workspace, name="Ana", phone="+525512345678", tags=["vip"], custom_fields={"city": "Puebla"})
    record_consent(contact, ChannelKind.SMS, ConsentStatus.GRANTED, "form")
    db.session.commit()
    login_as(owner)
    text = client.get("/contacts/export.csv").get_data(as_text=True)
    header, row = text.strip().splitlines()[:2]
    assert header.lstrip("\ufeff").startswith("id,name,phone,email,tags,city,consent_sms")
    assert "Ana,+525512345678,,vip,Puebla,granted" in row


def test_custom_field_keys_are_checked(client, login_as, workspace, owner):
    login_as(owner)
    assert client.post("/contacts/settings/fields", data={"key": "first_name", "label": "x"}).status_code == 400
    assert client.post("/contacts/settings/fields", data={"key": "city", "label": "City"}).status_code == 302
    assert [f.key for f in records.field_definitions(workspace.id)] == ["city"]
    assert member_of(workspace) == owner
