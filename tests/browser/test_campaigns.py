"""A business owner imports contacts, builds a campaign, schedules it, starts it and watches it finish."""

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import ChannelKind, User
from tests.browser.test_accounts import sign_up
from tests.channel_specs import SAMPLE_CHANNELS
from tests.factories import make_channel

CSV = "Nombre,Teléfono,Etiquetas\nAna Pérez,55 1234 5678,clientes\nBruno Díaz,55 1234 5679,clientes\nMal,12,clientes\n"


def test_import_build_schedule_start_and_watch_a_campaign(page, live_server, _provider_server, tmp_path):
    _provider_server.reset()
    live_server.config["TWILIO_API_URL"] = _provider_server.twilio_url
    sign_up(page, "campaigns-owner@example.com", business="Florería Luna")
    with live_server.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "campaigns-owner@example.com"))
        workspace = user.memberships[0].workspace
        external_id, settings, credentials = SAMPLE_CHANNELS[ChannelKind.SMS]
        make_channel(
            workspace,
            ChannelKind.SMS,
            name="Tienda SMS",
            external_id=external_id,
            settings=settings,
            credentials=credentials,
        )

    csv_file = tmp_path / "clientes.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    page.goto("/contacts/import")
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_label("Phone")).to_have_value("Teléfono")
    page.get_by_label("SMS").check()
    page.get_by_label("Where the consent came from").fill("hoja de registro en tienda, 2025")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Done.")).to_be_visible()
    expect(page.locator('[data-count="created"]')).to_have_text("2")
    expect(page.locator('[data-count="rejected"]')).to_have_text("1")
    expect(page.get_by_role("link", name="Download the rejected rows with reasons")).to_be_visible()

    page.goto("/campaigns/new")
    page.get_by_label("Name", exact=True).fill("Día de las madres")
    page.get_by_label("Contacts with any of these tags").select_option("clientes")
    expect(page.locator("#audience-count")).to_contain_text("2 have consent")
    page.get_by_label("Message").fill('Hola {{ first_name | default("amiga") }}, 10% en flores hoy')
    page.get_by_role("button", name="Save campaign").click()
    expect(page.get_by_role("heading", name="Día de las madres")).to_be_visible()

    page.get_by_label("Send at").fill("2099-05-10T09:00")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("Campaign scheduled.")).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Start now").click()
    expect(page.locator("[data-status]")).to_have_text("completed", timeout=15000)
    expect(page.locator('[data-count="sent"]')).to_have_text("2")
    expect(page.locator('[data-count="skipped"]')).to_have_text("0")
    bodies = sorted(c["form"]["Body"] for c in _provider_server.calls_to("/Messages.json"))
    assert bodies == ["Hola Ana, 10% en flores hoy", "Hola Bruno, 10% en flores hoy"]
