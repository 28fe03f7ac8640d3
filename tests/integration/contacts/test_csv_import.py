"""CSV import: mapping, E.164, duplicates, consent with its source, rejected-rows report, bad files."""

import io

import sqlalchemy as sa

from app.contacts import records
from app.extensions import db
from app.models import ChannelKind, ConsentEvent, ConsentStatus, Contact, ContactImport, ImportStatus
from app.privacy.consent import consent_state

CSV = (
    "Nombre,Teléfono,Correo,Etiquetas,City\n"
    "Ana Pérez,55 1234 5678,ana@example.com,vip;store,Puebla\n"
    "Bruno,+56 9 6123 4567,,,Santiago\n"
    "Bad Phone,12,,,\n"
    "Bad Mail,,not-an-email,,\n"
    "Nobody,,,,\n"
    "Ana again,+525512345678,,extra,\n"
    "Short row,5512345679\n"
)


def _upload(client, content: bytes, name="contacts.csv"):
    return client.post(
        "/contacts/import", data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )


def test_import_maps_columns_normalises_and_reports_rejected_rows(client, login_as, workspace, owner, run_jobs):
    records.add_field(workspace, "city", "City")
    existing_id = records.create_contact(workspace, records.ContactInput(name="", email="bruno@example.com")).id
    db.session.commit()
    login_as(owner)
    response = _upload(client, CSV.encode("utf-8"))
    assert response.status_code == 302
    import_id = int(response.headers["Location"].rsplit("/", 1)[1])
    mapping_page = client.get(f"/contacts/imports/{import_id}").get_data(as_text=True)
    assert 'value="Teléfono" selected' in mapping_page  # guessed from the Spanish header
    form = {
        "map_name": "Nombre",
        "map_phone": "Teléfono",
        "map_email": "Correo",
        "map_tags": "Etiquetas",
        "map_field:city": "City",
    }
    form |= {"tags": "imported", "consent": ["sms"], "consent_source": "store sign-up sheet, 2025"}
    assert client.post(f"/contacts/imports/{import_id}", data=form).status_code == 302
    run_jobs()
    contact_import = db.session.get(ContactImport, import_id)
    assert contact_import.status == ImportStatus.COMPLETED
    assert (contact_import.created_count, contact_import.updated_count, contact_import.rejected_count) == (2, 1, 4)
    ana = db.session.scalar(sa.select(Contact).where(Contact.phone == "+525512345678"))
    assert ana.name == "Ana Pérez" and ana.custom_fields == {"city": "Puebla"}
    assert {t.name for t in ana.tags} == {"vip", "store", "extra", "imported"}
    assert db.session.scalar(sa.select(Contact.phone).where(Contact.name == "Bruno")) == "+56961234567"
    assert db.session.get(Contact, existing_id).name == ""  # not matched: Bruno row has no e-mail
    assert consent_state(ana.id, ChannelKind.SMS) == ConsentStatus.GRANTED
    event = db.session.scalar(sa.select(ConsentEvent).where(ConsentEvent.contact_id == ana.id))
    assert event.source == "import" and "store sign-up sheet, 2025" in event.evidence and "row 2" in event.evidence
    assert db.session.scalar(sa.select(sa.func.count(ConsentEvent.id))) == 2  # Ana once, Bruno once
    report = client.get(f"/contacts/imports/{import_id}/rejected.csv").get_data(as_text=True)
    lines = report.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("line,reason,Nombre")
    assert len(lines) == 5
    assert "not a valid phone number" in report and "e-mail" in report and "no phone number or e-mail" in report
    assert "columns" in report
    progress = client.get(f"/contacts/imports/{import_id}/progress").get_data(as_text=True)
    assert 'data-count="rejected">4<' in progress and "hx-trigger" not in progress


def test_consent_is_not_imported_without_its_source(client, login_as, workspace, owner):
    login_as(owner)
    import_id = int(_upload(client, CSV.encode()).headers["Location"].rsplit("/", 1)[1])
    response = client.post(
        f"/contacts/imports/{import_id}", data={"map_phone": "Teléfono", "consent": ["sms"], "consent_source": ""}
    )
    assert response.status_code == 400
    assert "where the consent came from" in response.get_data(as_text=True)
    assert db.session.get(ContactImport, import_id).status == ImportStatus.PENDING


def test_excel_windows_1252_file_is_read(client, login_as, workspace, owner, run_jobs):
    login_as(owner)
    content = "Name,Phone\nJosé Núñez,5512345678\n".encode("cp1252")
    import_id = int(_upload(client, content).headers["Location"].rsplit("/", 1)[1])
    client.post(f"/contacts/imports/{import_id}", data={"map_name": "Name", "map_phone": "Phone"})
    run_jobs()
    assert db.session.scalar(sa.select(Contact.name)) == "José Núñez"


def test_binary_file_is_refused_with_a_clear_message(client, login_as, workspace, owner):
    login_as(owner)
    response = _upload(client, b"PK\x03\x04\x00\x00binary", name="contacts.xlsx")
    assert response.status_code == 400
    assert "not a text CSV file" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ContactImport.id))) == 0


def test_broken_quoting_is_reported_not_crashing(client, login_as, workspace, owner, run_jobs):
    login_as(owner)
    content = b'Name,Phone\nAna,5512345678\n"Unclosed,5512345679\nBea,5512345670\n'
    import_id = int(_upload(client, content).headers["Location"].rsplit("/", 1)[1])
    client.post(f"/contacts/imports/{import_id}", data={"map_name": "Name", "map_phone": "Phone"})
    run_jobs()
    contact_import = db.session.get(ContactImport, import_id)
    assert contact_import.status == ImportStatus.COMPLETED
    assert contact_import.created_count == 1 and contact_import.rejected_count == 1
