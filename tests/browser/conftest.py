"""A live Conversa server (SQLite, inline jobs) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from tests.conftest import TEST_SETTINGS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class MailBox(logging.Handler):
    """Collects the e-mails the app writes to its log when no mail server is set."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.mails: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if text.startswith("MAIL_SERVER is not set"):
            self.mails.append(text)

    def link_to(self, email: str) -> str:
        import re

        mail = next(m for m in reversed(self.mails) if f"To: {email}" in m)
        return re.search(r"(http://\S+)", mail).group(1)


@pytest.fixture(scope="session")
def live_server():
    folder = Path(tempfile.mkdtemp(prefix="conversa-browser-"))
    app = create_app(
        {
            **TEST_SETTINGS,
            "TESTING": False,
            "WTF_CSRF_ENABLED": True,
            "JOBS_MODE": "inline",
            "RUN_PERIODIC_INLINE": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'browser.db'}",
        }
    )
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base_url
    app.config["SERVER_NAME"] = None
    mailbox = MailBox()
    logging.getLogger("app.mailer").addHandler(mailbox)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.mailbox = mailbox
    app.base_url = base_url
    yield app
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.base_url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Another, separate browser (its own cookies), e.g. for the invited colleague."""
    contexts = []

    def make(locale: str = "en-US"):
        context = browser.new_context(base_url=live_server.base_url, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()
