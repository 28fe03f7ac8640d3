"""How the providers sign what they send us, written from their docs (independent of app code)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import urlencode


def meta_headers(body: bytes, app_secret: str) -> dict[str, str]:
    """https://developers.facebook.com/docs/messenger-platform/webhooks#validate-payloads"""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def twilio_signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    """Twilio's RequestValidator.compute_signature: URL + sorted name/value pairs, HMAC-SHA1, base64."""
    payload = url
    for name in sorted(params):
        payload += name + params[name]
    return base64.b64encode(hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def twilio_request(auth_token: str, url: str, params: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    """The form body and headers Twilio would send to `url`."""
    headers = {
        "X-Twilio-Signature": twilio_signature(auth_token, url, params),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return urlencode(params).encode(), headers
