"""WhatsApp templates for the reply box outside the 24-hour window: list approved ones, fill variables."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from app.channels.adapters.base import PermanentError, TransientError
from app.channels.adapters.registry import get_adapter
from app.models import Channel

PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")


def approved(channel: Channel) -> tuple[list[dict], str | None]:
    """(templates, error shown to staff when the provider cannot list them)."""
    try:
        return get_adapter(channel).message_templates(), None
    except (PermanentError, TransientError) as error:
        return [], _("Could not load the templates from WhatsApp: %(reason)s", reason=str(error)[:200])


def build(template: dict, values: list[str]) -> tuple[dict, str]:
    """The Cloud API `template` object and the text staff see in the thread.

    https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates
    """
    needed = sorted({int(n) for n in PLACEHOLDER.findall(template["body"])})
    if len(values) < len(needed):
        raise ValueError(_("This template needs %(count)s values, separated by |.", count=len(needed)))
    payload: dict = {"name": template["name"], "language": {"code": template["language"]}}
    if needed:
        parameters = [{"type": "text", "text": values[n - 1]} for n in needed]
        payload["components"] = [{"type": "body", "parameters": parameters}]
    text = PLACEHOLDER.sub(lambda m: values[int(m.group(1)) - 1], template["body"])
    return payload, text
