"""The inbox in Chromium: live messages without reload, reply, private notes, filters, templates, phone size."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import ChannelKind, Conversation, Direction, Message, MessageKind, utcnow
from tests import factories

_n = itertools.count(1)


@pytest.fixture
def inbox(live_server, _provider_server):
    """A workspace with an owner and a Telegram conversation, on the live server's database."""
    _provider_server.reset()
    live_server.config.update(TELEGRAM_API_URL=_provider_server.telegram_url, META_GRAPH_URL=_provider_server.graph_url)
    with live_server.app_context():
        email = f"agent{next(_n)}@example.com"
        owner = factories.make_user(email=email, name="Ana Agent")
        workspace = factories.make_workspace(owner=owner)
        channel = factories.make_channel(workspace, ChannelKind.TELEGRAM, credentials={"bot_token": "123:ABC"})
        contact = factories.make_contact(workspace, channel, name="Ahmed Khan", external_id="400123456")
        conversation = factories.make_conversation(channel, contact)
        factories.make_inbound(conversation, "Do you deliver to Roma Norte?")
        yield {"email": email, "workspace_id": workspace.id, "conversation_id": conversation.id, "server": live_server}


def sign_in(page, email):
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.locator("form.card [type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def store_inbound(live_server, conversation_id: int, text: str) -> None:
    """What webhook ingestion does for a new message, straight into the live server's database."""
    with live_server.app_context():
        factories.make_inbound(db.session.get(Conversation, conversation_id), text, at=utcnow() + timedelta(seconds=1))


def test_new_message_appears_without_reload_then_reply_and_private_note(page, inbox, _provider_server):
    sign_in(page, inbox["email"])
    page.goto(f"/inbox/{inbox['conversation_id']}")
    expect(page.locator("#thread")).to_contain_text("Do you deliver to Roma Norte?")
    page.evaluate("window.__sameDocument = true")

    store_inbound(inbox["server"], inbox["conversation_id"], "And two croissants, please")
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
