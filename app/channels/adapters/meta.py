"""What Messenger, Instagram and WhatsApp share: the app-secret signature, the Graph client and
Meta's 24-hour / 7-day messaging windows."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import requests

from app.channels.adapters import http
from app.channels.adapters.base import ChannelAdapter, FetchedMedia, PermanentError

# https://developers.facebook.com/docs/messenger-platform/policy/policy-overview#24hours_window
STANDARD_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)
# Graph answers 400 for throttling too: these codes mean "later", not "never".
# https://developers.facebook.com/docs/graph-api/overview/rate-limiting
TRANSIENT_GRAPH_CODES = {1, 2, 4, 17, 32, 341, 613, 80001, 80002, 80004, 80006, 80007, 130429, 131048, 131056}


def sign_body(body: bytes, app_secret: str) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def verify_meta_signature(body: bytes, headers: Mapping[str, str], app_secret: str | None) -> bool:
    """X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>."""
    given = headers.get("X-Hub-Signature-256", "")
    if not app_secret or not given.startswith("sha256="):
        return False
    return hmac.compare_digest(given.encode(), sign_body(body, app_secret).encode())


def appsecret_proof(token: str, app_secret: str) -> str:
    """https://developers.facebook.com/docs/graph-api/securing-requests#appsecret_proof"""
    return hmac.new(app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def in_window(last_inbound_at: datetime | None, now: datetime | None = None, window=STANDARD_WINDOW) -> bool:
    """True while the contact's last message is younger than `window` (naive UTC times)."""
    if last_inbound_at is None:
        return False
    now = now or datetime.now(UTC).replace(tzinfo=None)
    return now - last_inbound_at < window


def from_millis(value) -> datetime | None:
    if value in (None, ""):
        return None
    return datetime.fromtimestamp(int(value) / 1000, UTC).replace(tzinfo=None)


def from_seconds(value) -> datetime | None:
    if value in (None, ""):
        return None
    return datetime.fromtimestamp(int(value), UTC).replace(tzinfo=None)


def _graph_transient(response: requests.Response) -> bool:
    try:
        code = response.json().get("error", {}).get("code")
    except (ValueError, AttributeError):
        return False
    return code in TRANSIENT_GRAPH_CODES


class GraphClient:
    """Calls `{META_GRAPH_URL}/{version}/…` with a token and its appsecret_proof."""

    def __init__(self, config: Mapping, token: str, bearer: bool = False):
        self.base = http.join(config["META_GRAPH_URL"], config["META_GRAPH_VERSION"])
        self.root = config["META_GRAPH_URL"]
        self.token = token
        self.app_secret = config.get("META_APP_SECRET") or ""
        self.bearer = bearer

    def _auth(self, params: dict | None, headers: dict | None) -> tuple[dict, dict]:
        params, headers = dict(params or {}), dict(headers or {})
        if self.bearer:
            headers["Authorization"] = f"Bearer {self.token}"
        else:
            params["access_token"] = self.token
        if self.app_secret and self.token:
            params["appsecret_proof"] = appsecret_proof(self.token, self.app_secret)
        return params, headers

    def call(self, method: str, path: str, *, params=None, headers=None, versioned=True, **kwargs) -> dict:
        params, headers = self._auth(params, headers)
        url = http.join(self.base if versioned else self.root, path)
        response = http.request(method, url, params=params, headers=headers, transient=_graph_transient, **kwargs)
        try:
            return response.json()
        except ValueError as error:
            raise PermanentError("Graph answered with something that is not JSON") from error


class MetaAdapter(ChannelAdapter):
    """Shared base: verify with META_APP_SECRET; the token lives in the channel's credentials."""

    webhook_source = "meta"
    secret_keys = ("access_token",)
    default_rate_per_second = 20.0

    def verify_signature(self, body: bytes, headers: Mapping[str, str], url: str) -> bool:
        return verify_meta_signature(body, headers, (self.config or {}).get("META_APP_SECRET"))

    def webhook_urls(self) -> dict[str, str | None]:
        """One callback URL for the whole Meta app; entries are routed by page/account/number id."""
        return {"webhook_url": http.join(self.config["BASE_URL"], "webhooks/meta"), "status_url": None}

    def graph(self, bearer: bool = False) -> GraphClient:
        return GraphClient(self.config, self.channel.credentials.get("access_token", ""), bearer=bearer)

    def message_tag(self, last_inbound_at: datetime | None) -> str | None:
        """Outside 24 h but inside 7 days, a human reply goes with the HUMAN_AGENT tag."""
        if in_window(last_inbound_at):
            return None
        if in_window(last_inbound_at, window=HUMAN_AGENT_WINDOW):
            return "HUMAN_AGENT"
        return None

    def fetch_media(self, source: str) -> FetchedMedia:
        """Messenger/Instagram attachments are signed CDN URLs: a plain guarded GET."""
        content, content_type = http.download(
            source,
            allowed_hosts=self.config.get("ALLOWED_FETCH_HOSTS", []),
            max_bytes=self.config.get("ATTACHMENT_MAX_BYTES", http.MAX_MEDIA_BYTES),
        )
        return FetchedMedia(content, content_type, filename=source.rsplit("/", 1)[-1].split("?")[0][:100])
