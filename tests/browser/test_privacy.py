"""Privacy in Chromium: analytics only after cookie consent; a person follows their deletion by code."""

import re
from pathlib import Path

import requests
from playwright.sync_api import expect

from app.models import ChannelKind
from app.storage import get_storage
from tests.factories import make_attachment, make_channel, make_contact, make_conversation, make_message, make_workspace
from tests.fakes.signed_request import signed_request

GA = "G-BROWSER1"
GA_HOST = "googletagmanager.com"


def test_analytics_loads_only_after_consent(page, live_server):
    live_server.config["GA_MEASUREMENT_ID"] = GA
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.route(
        re.compile(r"https://www\.googletagmanager\.com/.*"),
        lambda route: route.fulfill(body="", content_type="text/javascript"),
    )
    try:
        page.goto("/legal/privacy")
        banner = page.get_by_role("region", name="Cookie choices")
        expect(banner).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert not [url for url in requested if GA_HOST in url]
        assert page.locator(f"script[src*='{GA_HOST}']").count() == 0

        banner.get_by_role("button", name="Accept all").click()
        expect(page.get_by_role("region", name="Cookie choices")).to_have_count(0)
        page.wait_for_load_state("networkidle")
        assert page.locator(f"script[src*='{GA_HOST}/gtag/js?id={GA}']").count() == 1
        assert [url for url in requested if GA_HOST in url]

        page.get_by_role("link", name="Cookie settings").click()
        page.get_by_label(re.compile("Analytics")).uncheck()
        page.get_by_role("button", name="Save my choice").click()
        expect(page.get_by_text("You currently allow only necessary cookies.")).to_be_visible()
        assert page.locator(f"script[src*='{GA_HOST}']").count() == 0
    finally:
        live_server.config["GA_MEASUREMENT_ID"] = None


def test_person_with_a_code_sees_their_deletion_completed(page, live_server):
    live_server.config["META_APP_SECRET"] = "browser-app-secret"
    with live_server.app_context():
        workspace = make_workspace()
        page_channel = make_channel(workspace, ChannelKind.MESSENGER)
        contact = make_contact(workspace, page_channel, external_id="ASID-BROWSER")
        attachment = make_attachment(make_message(make_conversation(page_channel, contact)))
        file = Path(get_storage().path(attachment.storage_key))
    answer = requests.post(
        f"{live_server.base_url}/meta/data-deletion",
        data={"signed_request": signed_request("ASID-BROWSER", "browser-app-secret")},
        timeout=10,
    ).json()
    code = answer["confirmation_code"]

    page.goto("/data-deletion")
    page.get_by_label("Confirmation code").fill(code)
    page.get_by_role("button", name="Look it up").click()
    expect(page.get_by_role("heading", name="Your deletion request")).to_be_visible()
    expect(page.locator("[data-status]")).to_have_text("Completed")
    expect(page.get_by_role("cell", name="Messages")).to_be_visible()
    assert page.url == answer["url"]
    assert not file.exists()


def test_spanish_visitor_reads_the_status_in_spanish(new_page, live_server):
    live_server.config["META_APP_SECRET"] = "browser-app-secret"
    code = requests.post(
        f"{live_server.base_url}/meta/data-deletion",
        data={"signed_request": signed_request("NOBODY-HERE", "browser-app-secret")},
        timeout=10,
    ).json()["confirmation_code"]
    page = new_page(locale="es-MX")
    page.goto(f"/data-deletion/{code}")
    expect(page.get_by_role("heading", name="Su solicitud de eliminación")).to_be_visible()
    expect(page.get_by_text("no encontramos datos vinculados a esta solicitud")).to_be_visible()
