"""Contacts as CSV: profile, tags, custom fields and the current consent per channel."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.contacts.queries import ContactFilters, filtered, latest_consent
from app.contacts.records import field_definitions
from app.extensions import db
from app.models import Contact
from app.privacy.consent import CONSENT_CHANNELS


def _line(values: list) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(values)
    return out.getvalue()


def contact_rows(workspace_id: int, filters: ContactFilters) -> Iterator[str]:
    keys = [f.key for f in field_definitions(workspace_id)]
    yield "\ufeff" + _line(
        ["id", "name", "phone", "email", "tags", *keys, *(f"consent_{k}" for k in CONSENT_CHANNELS), "created_at"]
    )
    consent_columns = [latest_consent(kind).label(f"consent_{kind}") for kind in CONSENT_CHANNELS]
    query = filtered(workspace_id, filters).add_columns(*consent_columns).options(so.selectinload(Contact.tags))
    for contact, *states in db.session.execute(query.order_by(Contact.id).execution_options(yield_per=1000)):
        fields = contact.custom_fields or {}
        yield _line(
            [
                contact.id,
                contact.name,
                contact.phone or "",
                contact.email or "",
                ", ".join(t.name for t in contact.tags),
                *(fields.get(k, "") for k in keys),
                *(s or "" for s in states),
                contact.created_at.isoformat(timespec="seconds"),
            ]
        )


def count_rows(workspace_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Contact.id)).where(Contact.workspace_id == workspace_id)) or 0
