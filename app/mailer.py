"""System e-mail (password resets, invitations): composed from templates, sent by SMTP or logged."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template

log = logging.getLogger(__name__)


def compose(to: str, subject: str, template: str, **context) -> tuple[str, str, str, str]:
    """Render emails/<template>.txt and .html; returns the arguments of `deliver`."""
    text = render_template(f"emails/{template}.txt", **context)
    html = render_template(f"emails/{template}.html", **context)
    return to, subject, text, html


def deliver(to: str, subject: str, text: str, html: str) -> None:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        # No mail server yet: the log stands in for the inbox so a newcomer can still click the link.
        log.warning("MAIL_SERVER is not set; this e-mail was not sent.\nTo: %s\nSubject: %s\n\n%s", to, subject, text)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid()
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)
