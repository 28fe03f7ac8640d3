"""Reports in Chromium: the server-drawn charts render (no script, CSP intact), on a phone too."""

from datetime import timedelta

from playwright.sync_api import expect

from app.models import ChannelKind, Role, utcnow
from tests.factories import PASSWORD, make_channel, make_member, make_workspace, member_of
from tests.integration.reports.helpers import exchange, refresh


def _seeded(live_server):
    with live_server.app_context():
        workspace = make_workspace(name="Reportes", timezone="America/Mexico_City")
        channel = make_channel(workspace, ChannelKind.WHATSAPP, name="WhatsApp ventas")
        agent = make_member(workspace, Role.AGENT, name="Ana Agente")
        for day in range(1, 6):
            exchange(channel, utcnow() - timedelta(days=day, hours=2), 300 * day, agent, resolve_after=3600)
        refresh(workspace)
        return member_of(workspace).email


def _sign_in(page, email):
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_overview_and_responsiveness_charts_render_with_tables_and_csv(page, live_server):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    _sign_in(page, _seeded(live_server))
    page.get_by_role("link", name="Reports").first.click()
    chart = page.locator("svg.chart").first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    assert page.locator("svg.chart polyline").count() >= 2
    stroke = page.locator("svg.chart polyline.series-0").first.evaluate("e => getComputedStyle(e).stroke")
    assert stroke == "rgb(47, 111, 222)"  # the stylesheet applies: no inline styles needed
    expect(page.locator("table[data-report-table=volume_by_channel]")).to_contain_text("WhatsApp ventas")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV – Messages by channel").click()
    assert download.value.suggested_filename.startswith("overview-volume_by_channel-")
    page.get_by_role("link", name="Responsiveness").click()
    page.get_by_role("link", name="Last 7 days").click()
    expect(page.locator("svg.chart rect.bar").first).to_be_visible()
    expect(page.locator("table[data-report-table=by_agent]")).to_contain_text("Ana Agente")
    assert errors == []


def test_charts_fit_a_phone_screen(browser, live_server):
    context = browser.new_context(base_url=live_server.base_url, viewport={"width": 375, "height": 740})
    page = context.new_page()
    _sign_in(page, _seeded(live_server))
    page.goto("/reports/overview")
    chart = page.locator("svg.chart").first
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
