"""Where attachment files live: one interface, local disk under instance/ by default."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app


class LocalStorage:
    """Files under `<instance>/attachments/<workspace>/<random>`; keys never come from users."""

    def __init__(self, root: Path):
        self.root = root

    def save(self, workspace_id: int, content: bytes) -> str:
        key = f"{workspace_id}/{secrets.token_hex(16)}"
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return key

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("storage key outside the storage root")
        return path

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def delete(self, key: str) -> bool:
        """Remove the file; True when it existed."""
        path = self.path(key)
        if path.exists():
            path.unlink()
            return True
        return False

    def exists(self, key: str) -> bool:
        return self.path(key).exists()


def get_storage() -> LocalStorage:
    root = current_app.config.get("ATTACHMENTS_DIR") or Path(current_app.instance_path) / "attachments"
    return LocalStorage(Path(root))
