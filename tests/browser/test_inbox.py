"""The inbox in Chromium: live messages without reload, reply, private notes, filters, templates, phone size."""

from __future__ import annotations

import itertools
import json
import re
import time
from datetime import timedelta

import pytest
import requests
from playwright.sync_api import expect

from app.extensions import db
from app.models import ChannelKind, Direction, Message, MessageKind, utcnow
from tests import factories
from tests.fakes import samples
from tests.fakes.signing import meta_headers

_n = itertools.count(1)
APP_SECRET = "browser-meta-app-secret"


def telegram_webhook(live_server, channel_key: str, text: str) -> None:
    """Telegram pushing an update to our webhook, as the Bot API does."""
    update = samples.load("telegram", "text")
    number = next(_n)
    update["update_id"] += number
    update["message"].update(message_id=1000 + number, date=int(time.time()), text=text)
    update["message"]["chat"]["id"] = update["message"]["from"]["id"] = 400123456
    answer = requests.post(
        f"{live_server.base_url}/webhooks/telegram/{channel_key}",
        json=update,
        headers={"X-Telegram-Bot-Api-Secret-Token": "tg-secret"},
        timeout=10,
    )
    assert answer.status_code == 200


@pytest.fixture
def inbox(live_server, _provider_server):
    """A workspace with an owner and a Telegram conversation, on the live server's database."""
    _provider_server.reset()
    live_server.config.update(
        TELEGRAM_API_URL=_provider_server.telegram_url,
        META_GRAPH_URL=_provider_server.graph_url,
        META_APP_SECRET=APP_SECRET,
    )
    with live_server.app_context():
        email = f"agent{next(_n)}@example.com"
        owner = factories.make_user(email=email, name="Ana Agent")
        workspace = factories.make_workspace(owner=owner)
        channel = factories.make_channel(
            workspace, ChannelKind.TELEGRAM, credentials={"bot_token": "123:ABC", "webhook_secret": "tg-secret"}
        )
        contact = factories.make_contact(workspace, channel, name="Ahmed Khan", external_id="400123456")
        conversation = factories.make_conversation(channel, contact)
        factories.make_inbound(conversation, "Do you deliver to Roma Norte?")
        yield {
            "email": email,
            "workspace_id": workspace.id,
            "conversation_id": conversation.id,
            "channel_key": channel.key,
            "server": live_server,
        }


def sign_in(page, email):
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.locator("form.card [type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def test_new_message_appears_without_reload_then_reply_and_private_note(page, inbox, _provider_server):
    sign_in(page, inbox["email"])
    page.goto(f"/inbox/{inbox['conversation_id']}")
    expect(page.locator("#thread")).to_contain_text("Do you deliver to Roma Norte?")
    page.evaluate("window.__sameDocument = true")

    telegram_webhook(inbox["server"], inbox["channel_key"], "And two croissants, please")
    expect(page.locator("#thread")).to_contain_text("And two croissants, please")
    expect(page.locator("#conversation-list")).to_contain_text("And two croissants, please")
    assert page.evaluate("window.__sameDocument") is True  # no reload happened

    page.locator("[data-reply-box]").fill("Yes, about 40 minutes.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("article.message.out").last).to_contain_text("Yes, about 40 minutes.")
    expect(page.locator("article.message.out").last.locator(".tick")).to_contain_text("Sent")

    page.locator("[data-reply-box]").fill("Regular customer, tips well")
    page.get_by_role("button", name="Save as private note").click()
    note = page.locator("article.kind-note")
    expect(note).to_contain_text("Regular customer, tips well")
    expect(note).to_contain_text("Private note by Ana Agent")
    sent = [c["json"]["text"] for c in _provider_server.calls_to("sendMessage")]
    assert sent == ["Yes, about 40 minutes."]


def test_unread_count_shows_in_the_title_of_other_tabs(page, inbox):
    sign_in(page, inbox["email"])
    page.goto("/inbox")
    expect(page).to_have_title("(1) Inbox · Conversa")
    with inbox["server"].app_context():
        workspace = factories.db.session.get(factories.Workspace, inbox["workspace_id"])
        channel = factories.make_channel(workspace, ChannelKind.SMS)
        factories.make_inbound(factories.make_conversation(channel), "Second customer")
    expect(page).to_have_title("(2) Inbox · Conversa")
    expect(page.locator("#conversation-list")).to_contain_text("Second customer")


def test_filters_and_search_find_the_conversation(page, inbox):
    with inbox["server"].app_context():
        workspace = db.session.get(factories.Workspace, inbox["workspace_id"])
        other = factories.make_conversation(factories.make_channel(workspace, ChannelKind.EMAIL))
        factories.make_inbound(other, "Catering quote for 80 people")
    sign_in(page, inbox["email"])
    page.goto("/inbox")
    page.get_by_placeholder("Search names and messages").fill("croissant")
    page.get_by_placeholder("Search names and messages").fill("Roma Norte")
    page.get_by_placeholder("Search names and messages").press("Enter")
    expect(page.locator(".conversation-item")).to_have_count(1)
    expect(page.locator(".conversation-item")).to_contain_text("Ahmed Khan")
    page.goto("/inbox")
    page.get_by_label("Channel", exact=True).select_option(label=page.locator("#f-channel option").nth(1).inner_text())
    expect(page.locator(".conversation-item")).to_have_count(1)


def test_whatsapp_outside_the_window_offers_only_templates(page, inbox, _provider_server):
    with inbox["server"].app_context():
        workspace = db.session.get(factories.Workspace, inbox["workspace_id"])
        channel = factories.make_channel(
            workspace, ChannelKind.WHATSAPP, settings={"waba_id": "102290129340398"}, external_id="106540352242922"
        )
        contact = factories.make_contact(workspace, channel, name="María López", external_id="5215512345678")
        conversation = factories.make_conversation(channel, contact)
        factories.make_inbound(conversation, "¿Tienen pasteles?", at=utcnow() - timedelta(hours=30))
        conversation_id = conversation.id
    sign_in(page, inbox["email"])
    page.goto(f"/inbox/{conversation_id}")
    expect(page.locator(".rule-notice")).to_contain_text("only approved templates")
    expect(page.get_by_role("button", name="Send template")).to_be_visible()
    expect(page.locator("input[type=file]")).to_have_count(0)
    page.get_by_label("Approved template").select_option("order_ready:en_US")
    page.get_by_label("Values for").fill("María | #1042")
    page.get_by_role("button", name="Send template").click()
    expect(page.locator("article.kind-template")).to_contain_text("Hi María, your order #1042 is ready for pickup.")
    with inbox["server"].app_context():
        [sent] = db.session.query(Message).filter_by(conversation_id=conversation_id, direction=Direction.OUT).all()
        assert sent.kind == MessageKind.TEMPLATE


def test_phone_sized_window_shows_one_pane_at_a_time(browser, live_server, inbox):
    context = browser.new_context(base_url=live_server.base_url, viewport={"width": 390, "height": 800})
    page = context.new_page()
    sign_in(page, inbox["email"])
    page.goto("/inbox")
    expect(page.locator(".inbox-detail")).to_be_hidden()
    page.locator(".conversation-item").first.click()
    expect(page.locator(".inbox-list-pane")).to_be_hidden()
    expect(page.locator("[data-reply-box]")).to_be_visible()
    page.get_by_role("link", name="← Conversations").click()
    expect(page.locator(".inbox-list-pane")).to_be_visible()
    context.close()


def test_tick_moves_to_delivered_when_the_status_webhook_arrives(page, inbox, _provider_server):
    with inbox["server"].app_context():
        workspace = db.session.get(factories.Workspace, inbox["workspace_id"])
        channel = factories.make_channel(
            workspace, ChannelKind.WHATSAPP, settings={"waba_id": "102290129340398"}, external_id="106540352242922"
        )
        contact = factories.make_contact(workspace, channel, name="Sheena Nelson", external_id="5215512345678")
        conversation = factories.make_conversation(channel, contact)
        factories.make_inbound(conversation, "¿A qué hora abren mañana?")
        conversation_id = conversation.id
    sign_in(page, inbox["email"])
    page.goto(f"/inbox/{conversation_id}")
    page.locator("[data-reply-box]").fill("A las 8.")
    page.get_by_role("button", name="Send", exact=True).click()
    last = page.locator("article.message.out").last
    expect(last.locator(".tick")).to_contain_text("Sent")
    with inbox["server"].app_context():
        sent = db.session.query(Message).filter_by(conversation_id=conversation_id, direction=Direction.OUT).one()
        wamid = sent.provider_message_id
    status = samples.load("whatsapp", "status_delivered")
    status["entry"][0]["changes"][0]["value"]["statuses"][0].update(id=wamid, timestamp=str(int(time.time())))
    body = json.dumps(status).encode()
    answer = requests.post(
        f"{inbox['server'].base_url}/webhooks/meta", data=body, headers=meta_headers(body, APP_SECRET), timeout=10
    )
    assert answer.status_code == 200
    expect(last.locator(".tick")).to_contain_text("Delivered")
