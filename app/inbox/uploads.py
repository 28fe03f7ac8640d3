"""Files staff attach to replies: size and type limits, stored through app/storage.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from flask import current_app
from flask_babel import gettext as _

from app.models import Attachment, AttachmentState, Message
from app.storage import get_storage

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Types every channel can carry; anything else (executables, HTML, SVG) is refused.
ALLOWED_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".m4a": "audio/mp4",
    ".mp4": "video/mp4",
}
# Shown inline in the browser; every other stored type is served as a download.
INLINE_PREFIXES = ("image/jpeg", "image/png", "image/gif", "image/webp", "audio/", "video/")


class UploadError(ValueError):
    """A refused file; `reason` is translated and says what is allowed."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Upload:
    filename: str
    content: bytes


def max_bytes() -> int:
    return int(current_app.config.get("INBOX_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_BYTES))


def check(upload: Upload) -> str:
    """The file's content type, or UploadError naming the limit it breaks."""
    suffix = PurePath(upload.filename or "").suffix.lower()
    if suffix not in ALLOWED_TYPES:
        raise UploadError(
            _("This type of file cannot be sent. Allowed: %(types)s.", types=", ".join(sorted(ALLOWED_TYPES)))
        )
    if not upload.content:
        raise UploadError(_("The file is empty."))
    if len(upload.content) > max_bytes():
        raise UploadError(_("The file is too large: the limit is %(mb)s MB.", mb=max_bytes() // (1024 * 1024)))
    return ALLOWED_TYPES[suffix]


def attach(message: Message, upload: Upload, content_type: str) -> Attachment:
    key = get_storage().save(message.workspace_id, upload.content)
    attachment = Attachment(
        workspace_id=message.workspace_id,
        content_type=content_type,
        size=len(upload.content),
        filename=PurePath(upload.filename).name[:255],
        storage_key=key,
        state=AttachmentState.STORED,
    )
    message.attachments.append(attachment)
    return attachment


def is_inline(content_type: str) -> bool:
    return content_type.startswith(INLINE_PREFIXES)
