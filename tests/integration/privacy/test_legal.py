"""Legal pages with versions from the database; a material change makes members accept again."""

import json

import pytest
import sqlalchemy as sa
from rq import Queue

from app.extensions import db
from app.models import LegalDocument, PolicyAcceptance
from app.privacy import legal
from tests.factories import make_member


@pytest.mark.parametrize("document", ["privacy", "terms", "cookies", "subprocessors"])
def test_legal_pages_show_version_and_date_in_english_and_spanish(client, app, document):
    english = client.get(f"/legal/{document}")
    spanish = client.get(f"/legal/{document}", headers={"Accept-Language": "es"})
    assert english.status_code == 200 and spanish.status_code == 200
    assert 'data-version="2026-11-01"' in english.get_data(as_text=True)
    assert "Version 2026-11-01, in force since" in english.get_data(as_text=True)
    assert "Versión 2026-11-01, vigente desde" in spanish.get_data(as_text=True)


def test_privacy_policy_makes_the_meta_promises(client, app):
    text = client.get("/legal/privacy").get_data(as_text=True)
    for promise in (
        "only to provide the service to the workspace that received them",
        "never sell",
        "never use it for advertising",
        "train",
        "two years after the last interaction",
        "five years after they are closed",
        "24 hours",
    ):
        assert promise in text
    spanish = client.get("/legal/privacy", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "solo para prestar el servicio al espacio de trabajo que los recibió" in spanish


def test_unknown_legal_page_is_404(client, app):
    assert client.get("/legal/secret").status_code == 404


def test_material_change_gates_members_until_they_accept(client, login_as, runner, workspace, owner, redis):
    login_as(owner, workspace)
    assert client.get("/dashboard").status_code == 200
    result = runner.invoke(args=["legal", "publish", "--document", "privacy", "--version", "2027-01", "--material"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1]) == {
        "document": "privacy",
        "version": "2027-01",
        "material": True,
    }

    gated = client.get("/dashboard")
    assert gated.status_code == 302 and "/legal/accept" in gated.headers["Location"]
    assert client.post("/workspace/settings", data={}).status_code == 403
    assert client.get("/legal/privacy").status_code == 200  # the policy itself stays readable
    page = client.get(gated.headers["Location"]).get_data(as_text=True)
    assert "2027-01" in page
    accepted = client.post("/legal/accept", data={"next": "/dashboard"})
    assert accepted.status_code == 302 and accepted.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    versions = db.session.scalars(sa.select(PolicyAcceptance.version).where(PolicyAcceptance.document == "privacy"))
    assert "2027-01" in set(versions)
    assert Queue("default", connection=redis).count == 1  # the announcement job, e-mailing every member


def test_announcement_emails_every_member_in_their_language(app, workspace, owner, run_jobs, caplog):
    make_member(workspace, locale="es")
    from app.jobs.privacy import announce_policy_change

    caplog.set_level("WARNING", logger="app.mailer")
    assert announce_policy_change("privacy", "2027-01") == 2
    run_jobs()
    mails = [r.getMessage() for r in caplog.records if r.getMessage().startswith("MAIL_SERVER is not set")]
    assert len(mails) == 2
    assert any("We have updated our Privacy policy" in m for m in mails)
    assert any("Hemos actualizado el documento «Política de privacidad»" in m for m in mails)


def test_minor_change_needs_no_new_acceptance(client, login_as, workspace, owner):
    legal.publish("terms", "2027-02", material=False)
    db.session.commit()
    login_as(owner, workspace)
    assert client.get("/dashboard").status_code == 200
    assert legal.current_version("terms") == "2027-02"


def test_publishing_a_version_twice_or_an_unknown_document_fails(runner, app):
    assert runner.invoke(args=["legal", "publish", "--document", "terms", "--version", "v2"]).exit_code == 0
    again = runner.invoke(args=["legal", "publish", "--document", "terms", "--version", "v2"])
    assert again.exit_code != 0 and "already published" in again.output
    assert runner.invoke(args=["legal", "publish", "--document", "nope", "--version", "v3"]).exit_code != 0
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(LegalDocument).where(LegalDocument.version == "v2"))
        == 1
    )


def test_sign_up_records_the_versions_in_force(client, app):
    legal.publish("privacy", "2027-03", material=True)
    db.session.commit()
    client.post(
        "/signup",
        data={
            "name": "New",
            "email": "new@example.com",
            "password": "correct horse battery",
            "workspace_name": "Shop",
            "accept_terms": "y",
            "confirm_age": "y",
        },
    )
    versions = set(db.session.execute(sa.select(PolicyAcceptance.document, PolicyAcceptance.version)))
    assert ("privacy", "2027-03") in versions
