"""Meta's `signed_request` (CONTRACT §5): `<base64url signature>.<base64url JSON payload>`.

https://developers.facebook.com/docs/games/gamesonfacebook/login#parsingsr
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

ALGORITHM = "HMAC-SHA256"
MAX_LENGTH = 8192  # real ones are a few hundred characters


class SignedRequestError(Exception):
    """The signed request is missing, malformed, forged or uses another algorithm."""


def _decode(part: str) -> bytes:
    if not part or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=" for c in part):
        raise SignedRequestError("signed_request is not base64url")
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError) as error:
        raise SignedRequestError("signed_request is not base64url") from error


def parse(value: str | None, app_secret: str | None) -> dict:
    """Verify and decode; returns the payload, which carries a non-empty `user_id`."""
    if not app_secret:
        raise SignedRequestError("the app secret is not configured")
    if not value or len(value) > MAX_LENGTH or value.count(".") != 1:
        raise SignedRequestError("signed_request is missing or malformed")
    encoded_signature, encoded_payload = value.split(".")
    signature = _decode(encoded_signature)
    expected = hmac.new(app_secret.encode(), encoded_payload.encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):
        raise SignedRequestError("signature does not match")
    try:
        payload = json.loads(_decode(encoded_payload))
    except (ValueError, UnicodeDecodeError) as error:
        raise SignedRequestError("payload is not JSON") from error
    if not isinstance(payload, dict) or str(payload.get("algorithm", "")).upper() != ALGORITHM:
        raise SignedRequestError("unsupported algorithm")
    user_id = payload.get("user_id")
    if not isinstance(user_id, str | int) or not str(user_id).strip() or len(str(user_id)) > 64:
        raise SignedRequestError("user_id is missing")
    payload["user_id"] = str(user_id).strip()
    return payload
