"""Tracking and unsubscribe tokens, link rewriting through /c/<token>, and the e-mail parts.

Tokens are signed (not stored): /c/<token> carries (recipient, link), /u/<token> the recipient.
"""

from __future__ import annotations

import html
import re

import nh3
import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from app.extensions import db
from app.models import Link

URL = re.compile(r"https?://[^\s<>\"')\]]+")


def _signer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"campaign-{purpose}")


def click_token(recipient_id: int, link_id: int) -> str:
    return _signer("click").dumps([recipient_id, link_id])


def unsubscribe_token(recipient_id: int) -> str:
    return _signer("unsubscribe").dumps(recipient_id)


def read_click(token: str) -> tuple[int, int] | None:
    try:
        recipient_id, link_id = _signer("click").loads(token)
        return int(recipient_id), int(link_id)
    except (BadSignature, ValueError, TypeError):
        return None


def read_unsubscribe(token: str) -> int | None:
    try:
        return int(_signer("unsubscribe").loads(token))
    except (BadSignature, ValueError, TypeError):
        return None


def base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def links_for(campaign_id: int, texts: list[str]) -> dict[str, int]:
    """url → Link id for every link in the campaign's texts, created once."""
    urls = {u for text in texts for u in URL.findall(text or "")}
    have = {row.url: row.id for row in db.session.scalars(sa.select(Link).where(Link.campaign_id == campaign_id))}
    for url in urls - have.keys():
        link = Link(campaign_id=campaign_id, url=url[:2000])
        db.session.add(link)
        db.session.flush()
        have[url] = link.id
    return have


def tracked(url: str, recipient_id: int, links: dict[str, int]) -> str:
    link_id = links.get(url)
    return f"{base_url()}/c/{click_token(recipient_id, link_id)}" if link_id else url


def rewrite_text(text: str, recipient_id: int, links: dict[str, int]) -> str:
    return URL.sub(lambda m: tracked(m.group(0), recipient_id, links), text)


def looks_like_html(body: str) -> bool:
    return bool(re.search(r"<(p|a|br|div|h[1-6]|ul|ol|table|strong|em|img)\b", body or "", re.I))


def email_parts(body: str, recipient_id: int, links: dict[str, int]) -> tuple[str, str]:
    """(plain text, sanitised HTML) with every link rewritten to /c/<token>."""
    if looks_like_html(body):

        def rewrite(element: str, attribute: str, value: str) -> str | None:
            if element == "a" and attribute == "href":
                return tracked(value, recipient_id, links)
            return value

        safe = nh3.clean(body, attribute_filter=rewrite, link_rel="noopener")
        return rewrite_text(plain_text(body), recipient_id, links), safe
    text = rewrite_text(body, recipient_id, links)
    paragraphs = "".join(f"<p>{_linkify(html.escape(p))}</p>" for p in text.split("\n\n") if p.strip())
    return text, nh3.clean(paragraphs.replace("\n", "<br>"), link_rel="noopener")


def plain_text(body: str) -> str:
    """The text part of an HTML body: scripts dropped, links kept as "label (url)", tags removed."""
    text = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.I | re.S)
    text = re.sub(r'<a\b[^>]*href="([^"]+)"[^>]*>(.*?)</a>', r"\2 (\1)", text, flags=re.I | re.S)
    text = re.sub(r"</p>|<br\s*/?>|</h[1-6]>|</li>", "\n", text, flags=re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _linkify(escaped: str) -> str:
    return URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
