"""Shared set-up for campaign tests: channels as in the payload samples, audiences with consent."""

from __future__ import annotations

import time

from app.contacts import records
from app.extensions import db
from app.models import ChannelKind, ConsentStatus
from app.privacy.consent import record_consent
from tests.channel_specs import SAMPLE_CHANNELS
from tests.factories import make_channel


def campaign_channel(workspace, kind: ChannelKind, rate: float = 0, **settings):
    external_id, base_settings, credentials = SAMPLE_CHANNELS[kind]
    return make_channel(
        workspace,
        kind,
        external_id=external_id,
        settings={**base_settings, **settings},
        credentials=credentials,
        rate_per_second=rate,
    )


def contact(workspace, name="", phone=None, email=None, tags=("news",), consent: dict | None = None):
    person = records.create_contact(
        workspace, records.ContactInput(name=name, phone=phone, email=email, tags=list(tags))
    )
    for kind, status in (consent or {}).items():
        record_consent(person, ChannelKind(kind), ConsentStatus(status), "form", "test sign-up")
    db.session.commit()
    return person


class TimedCalls(list):
    """The fake provider's call log, with each arrival time (the server appends under its lock)."""

    def __init__(self):
        super().__init__()
        self.arrivals: list[float] = []

    def append(self, call):
        self.arrivals.append(time.monotonic())
        super().append(call)

    def clear(self):
        self.arrivals.clear()
        super().clear()
