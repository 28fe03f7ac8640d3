"""Secrets at rest: encrypted with Fernet, rotation keeps old values readable."""

import pytest
from cryptography.fernet import Fernet

from app import secrets


def test_round_trip_hides_the_value(app):
    token = secrets.encrypt({"access_token": "EAAG-secret"})
    assert "EAAG-secret" not in token
    assert secrets.decrypt(token) == {"access_token": "EAAG-secret"}


def test_a_new_key_in_front_still_reads_old_values(app):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["ENCRYPTION_KEYS"] = old
    token = secrets.encrypt({"bot_token": "123:abc"})
    app.config["ENCRYPTION_KEYS"] = f"{new},{old}"
    assert secrets.decrypt(token) == {"bot_token": "123:abc"}
    rotated = secrets.rotate(token)
    app.config["ENCRYPTION_KEYS"] = new
    assert secrets.decrypt(rotated) == {"bot_token": "123:abc"}


def test_unknown_key_is_a_clear_error(app):
    token = secrets.encrypt({"a": "b"})
    app.config["ENCRYPTION_KEYS"] = Fernet.generate_key().decode()
    with pytest.raises(secrets.SecretError):
        secrets.decrypt(token)
