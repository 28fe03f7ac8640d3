"""Sending system e-mail off the request path."""

from __future__ import annotations

from app import mailer
from app.jobs import job


@job("default", timeout=60)
def send_email(to: str, subject: str, text: str, html: str) -> None:
    """Deliver one system e-mail (reset link, invitation) through MAIL_* or the log."""
    mailer.deliver(to, subject, text, html)
