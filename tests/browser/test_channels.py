"""An owner connects a Telegram bot (against the fake Bot API) and sees its webhook URL and status."""

from playwright.sync_api import expect

from tests.browser.test_accounts import sign_up


def test_connect_a_telegram_bot_and_see_its_webhook_url(page, live_server, _provider_server):
    _provider_server.reset()
    live_server.config["TELEGRAM_API_URL"] = _provider_server.telegram_url
    sign_up(page, "bot-owner@example.com", business="Tienda Aurora")
    page.get_by_role("link", name="Channels").click()
    page.get_by_role("link", name="Telegram bot").click()
    page.get_by_label("Name shown to your team").fill("Tienda bot")
    page.get_by_label("Bot token from @BotFather").fill("123456:REAL-LOOKING-TOKEN")
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_text("Tienda bot is connected.")).to_be_visible()
    expect(page.get_by_text("Active")).to_be_visible()
    expect(page.get_by_text("@aurora_shop_bot")).to_be_visible()
    webhook = page.get_by_test_id("webhook-url").inner_text()
    assert webhook.startswith(live_server.base_url + "/webhooks/telegram/")
    [set_webhook] = _provider_server.calls_to("setWebhook")
    assert set_webhook["json"]["url"] == webhook
    assert "REAL-LOOKING-TOKEN" not in page.content()
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/channels/")
    expect(page.get_by_text("Tienda bot")).to_be_visible()
    page.screenshot(path="/tmp/channels-phone.png", full_page=True)
