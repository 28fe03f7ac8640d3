"""E-mail: SMTP out through the channel's server, inbound as raw RFC 5322 messages posted to us."""

from __future__ import annotations

import base64
import hashlib
import hmac
import mimetypes
import re
import smtplib
import ssl
from collections.abc import Mapping
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, make_msgid, parsedate_to_datetime

from app.channels.adapters.base import (
    ChannelAdapter,
    InboundAttachment,
    InboundEvent,
    InboundMessage,
    OutboundMessage,
    PermanentError,
    SendResult,
    TransientError,
)

# Where a reply starts quoting what it answers ("On Mon, 1 Jan … wrote:", Outlook, Spanish Gmail).
QUOTE_HEADER = re.compile(
    r"^(On .{5,200} wrote:|El .{5,200} escribió:|-{2,}\s*Original Message\s*-{2,}|-{2,}\s*Mensaje original\s*-{2,}"
    r"|_{10,})\s*$",
    re.IGNORECASE,
)
TAGS = re.compile(r"<[^>]+>")


def trim_quoted(text: str) -> str:
    """The new part of a reply: drop the quoted history below the attribution line and `>` lines."""
    kept = []
    for line in text.splitlines():
        if QUOTE_HEADER.match(line.strip()):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    trimmed = "\n".join(kept).strip()
    return trimmed or text.strip()


def _ids(value: str | None) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value or "")


def encode_raw(raw: bytes) -> dict:
    """How a raw message is stored in WebhookEvent.payload (JSON-safe, byte-exact)."""
    return {"raw": base64.b64encode(raw).decode()}


class EmailAdapter(ChannelAdapter):
    kind = "email"
    webhook_source = "email"
    secret_keys = ("smtp_password", "inbound_token")
    required_settings = ("address", "smtp_host", "smtp_port", "smtp_security")
    generated_secrets = ("inbound_token",)
    route_setting = "address"
    check_blocks_connect = False  # inbound mail works without SMTP; staff see the SMTP error
    default_rate_per_second = 5.0

    def verify_signature(self, body: bytes, headers: Mapping[str, str], url: str) -> bool:
        expected = self.channel.credentials.get("inbound_token", "")
        scheme, _, given = headers.get("Authorization", "").partition(" ")
        return bool(expected) and scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), expected.encode())

    def delivery_report(self, payload: dict) -> bytes | None:
        """Bounce reports (RFC 3464 multipart/report) go to campaigns, not to the inbox."""
        try:
            raw = base64.b64decode(payload["raw"], validate=True)
        except (KeyError, TypeError, ValueError):
            return None
        headers = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
        return raw if headers.get_content_type() == "multipart/report" else None

    def parse_inbound(self, payload: dict) -> list[InboundEvent]:
        try:
            raw = base64.b64decode(payload["raw"], validate=True)
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError("stored e-mail is not base64 raw bytes") from error
        mail = BytesParser(policy=policy.default).parsebytes(raw)
        senders = getaddresses([str(mail.get("From", ""))])
        if not senders or "@" not in senders[0][1]:
            raise ValueError("e-mail without a From address")
        name, address = senders[0]
        message_id = (_ids(str(mail.get("Message-ID", ""))) or [None])[0]
        message_id = message_id or "<" + hashlib.sha256(raw).hexdigest() + "@conversa.invalid>"
        body = mail.get_body(preferencelist=("plain", "html"))
        text = body.get_content() if body is not None else ""
        if body is not None and body.get_content_type() == "text/html":
            text = TAGS.sub("", text)
        attachments = [
            InboundAttachment(
                part.get_content_type(),
                f"mime:{index}",
                filename=part.get_filename() or "",
                content=part.get_payload(decode=True) or b"",
            )
            for index, part in enumerate(mail.iter_attachments())
        ]
        try:
            sent_at = parsedate_to_datetime(str(mail["Date"])).astimezone(tz=None) if mail.get("Date") else None
            sent_at = sent_at.replace(tzinfo=None) if sent_at else None
        except (TypeError, ValueError):
            sent_at = None
        return [
            InboundMessage(
                route_id=self.channel.key if self.channel else "",
                external_id=address.lower(),
                provider_message_id=message_id,
                text=trim_quoted(text),
                sent_at=None if sent_at is None else sent_at,
                contact_name=name or None,
                attachments=attachments,
                meta={
                    "subject": str(mail.get("Subject", ""))[:300],
                    "message_id": message_id,
                    "in_reply_to": _ids(str(mail.get("In-Reply-To", ""))),
                    "references": _ids(str(mail.get("References", ""))),
                },
            )
        ]

    def _connect(self) -> smtplib.SMTP:
        settings, credentials = self.channel.settings, self.channel.credentials
        host, port = settings.get("smtp_host", ""), int(settings.get("smtp_port") or 587)
        security = settings.get("smtp_security", "starttls")
        context = ssl.create_default_context()
        if security == "ssl":
            server = smtplib.SMTP_SSL(host, port, timeout=20, context=context)
        else:
            server = smtplib.SMTP(host, port, timeout=20)
            if security == "starttls":
                server.starttls(context=context)
        if settings.get("smtp_username"):
            server.login(settings["smtp_username"], credentials.get("smtp_password", ""))
        return server

    def _smtp(self, action):
        """Run `action(server)`; 4xx and network trouble are transient, 5xx and auth are not."""
        try:
            server = self._connect()
            try:
                return action(server)
            finally:
                try:
                    server.quit()
                except smtplib.SMTPException:
                    server.close()
        except smtplib.SMTPAuthenticationError as error:
            raise PermanentError(f"SMTP login refused: {error.smtp_code}") from error
        except smtplib.SMTPRecipientsRefused as error:
            raise PermanentError("the mail server refused the recipient") from error
        except smtplib.SMTPResponseException as error:
            reason = f"SMTP {error.smtp_code}: {error.smtp_error.decode(errors='replace')[:200]}"
            raise (TransientError if 400 <= error.smtp_code < 500 else PermanentError)(reason) from error
        except (smtplib.SMTPException, OSError) as error:
            raise TransientError(f"could not reach the mail server ({type(error).__name__})") from error

    def compose(self, message: OutboundMessage) -> EmailMessage:
        address = self.channel.settings.get("address", "")
        mail = EmailMessage()
        mail["From"] = f"{self.channel.name} <{address}>"
        mail["To"] = message.to
        mail["Subject"] = message.subject or ""
        mail["Message-ID"] = make_msgid(domain=address.rpartition("@")[2] or None)
        for key, value in message.headers.items():
            mail[key] = value
        mail.set_content(message.text or "")
        if message.html:
            mail.add_alternative(message.html, subtype="html")
        if message.attachment_path:
            kind = message.attachment_type or mimetypes.guess_type(message.attachment_path)[0]
            maintype, _, subtype = (kind or "application/octet-stream").partition("/")
            with open(message.attachment_path, "rb") as handle:
                mail.add_attachment(handle.read(), maintype=maintype, subtype=subtype, filename=message.attachment_name)
        return mail

    def contact_fields(self, external_id: str) -> dict:
        return {"email": external_id}

    def send(self, message: OutboundMessage) -> SendResult:
        mail = self.compose(message)
        self._smtp(lambda server: server.send_message(mail))
        return SendResult(mail["Message-ID"])

    def check_credentials(self) -> None:
        """Connect, negotiate security and log in; any failure is permanent on connect."""
        try:
            self._smtp(lambda server: server.noop())
        except TransientError as error:
            raise PermanentError(str(error)) from error
