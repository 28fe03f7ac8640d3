"""Load the provider payload samples in payloads/<kind>/, pointing media URLs at the fake server."""

from __future__ import annotations

import json
from pathlib import Path

FOLDER = Path(__file__).parent / "payloads"


def raw(kind: str, name: str, media_base: str = "http://127.0.0.1:9/media") -> bytes:
    """The sample's bytes as the provider would send them."""
    path = next(FOLDER.joinpath(kind).glob(f"{name}.*"))
    return path.read_bytes().replace(b"{{MEDIA}}", media_base.encode())


def load(kind: str, name: str, media_base: str = "http://127.0.0.1:9/media") -> dict:
    return json.loads(raw(kind, name, media_base))
