"""Which inbound files we keep: a size cap and an allow-list of types (no HTML, SVG or scripts)."""

from __future__ import annotations

MAX_BYTES = 25 * 1024 * 1024
ALLOWED_PREFIXES = ("image/", "audio/", "video/")
ALLOWED_TYPES = {
    "application/pdf",
    "application/octet-stream",
    "application/zip",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "text/plain",
    "text/csv",
    "text/calendar",
    "text/vcard",
}
ALLOWED_FAMILIES = ("application/vnd.openxmlformats-officedocument.", "application/vnd.oasis.opendocument.")
REFUSED = {"image/svg+xml"}


def refusal(content_type: str, size: int, max_bytes: int = MAX_BYTES) -> str | None:
    """Why this file is not kept, or None when it may be stored."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if size > max_bytes:
        return f"larger than {max_bytes // (1024 * 1024)} MB"
    if kind in REFUSED:
        return f"type {kind} is not accepted"
    if kind.startswith(ALLOWED_PREFIXES) or kind in ALLOWED_TYPES or kind.startswith(ALLOWED_FAMILIES):
        return None
    return f"type {kind or 'unknown'} is not accepted"
