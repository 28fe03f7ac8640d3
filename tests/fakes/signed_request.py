"""Meta's signed_request, built the way Meta builds it (for tests of our callbacks)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def signed_request(user_id: str, app_secret: str, algorithm: str = "HMAC-SHA256", **extra) -> str:
    payload = {"algorithm": algorithm, "issued_at": int(time.time()), "user_id": user_id, **extra}
    body = b64url(json.dumps(payload).encode())
    signature = hmac.new(app_secret.encode(), body.encode(), hashlib.sha256).digest()
    return f"{b64url(signature)}.{body}"
