"""Secrets at rest: Fernet with key rotation (ENCRYPTION_KEYS, newest first).

Without ENCRYPTION_KEYS the key is derived from SECRET_KEY, so a newcomer's install encrypts
from the first channel on; an operator adds a new key in front and old values still decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


class SecretError(Exception):
    """A stored secret could not be decrypted with any configured key."""


def _keys() -> list[bytes]:
    configured = [key.strip() for key in current_app.config.get("ENCRYPTION_KEYS", "").split(",") if key.strip()]
    if configured:
        return [key.encode() for key in configured]
    digest = hashlib.sha256(b"conversa-secrets-at-rest:" + current_app.config["SECRET_KEY"].encode()).digest()
    return [base64.urlsafe_b64encode(digest)]


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _keys()])


def encrypt(values: dict) -> str:
    """Encrypt a dict of settings (tokens, passwords) into one opaque string."""
    return _fernet().encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def decrypt(token: str) -> dict:
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as error:
        raise SecretError("stored secret cannot be decrypted with ENCRYPTION_KEYS") from error


def rotate(token: str) -> str:
    """Re-encrypt with the newest key (after a key was added in front)."""
    return _fernet().rotate(token.encode()).decode()
