"""Contact jobs: CSV imports, keyword opt-outs and their confirmation replies."""

from __future__ import annotations

import logging

from flask_babel import force_locale

from app.contacts import csv_import, keywords
from app.extensions import db
from app.jobs import enqueue, job
from app.jobs.outbound import send_message
from app.models import ContactImport, ImportStatus, User, utcnow

log = logging.getLogger(__name__)


@job("default", timeout=1800)
def run_contact_import(import_id: int) -> None:
    """Import one uploaded CSV; any failure is stored on the import for the person to read."""
    contact_import = db.session.get(ContactImport, import_id)
    creator = (
        db.session.get(User, contact_import.created_by_id) if contact_import and contact_import.created_by_id else None
    )
    try:
        with force_locale((creator and creator.locale) or "en"):  # rejected-row reasons in their language
            csv_import.run_import(import_id, db.session.commit)
    except Exception as error:  # a broken file must end as a readable failure, never a stuck bar
        db.session.rollback()
        log.exception("contact import %s failed", import_id)
        contact_import = db.session.get(ContactImport, import_id)
        if contact_import is not None:
            contact_import.status = ImportStatus.FAILED
            contact_import.error = str(error)[:500]
            contact_import.finished_at = utcnow()
            db.session.commit()


@job("webhooks", timeout=60)
def apply_inbound_keyword(message_id: int) -> None:
    """After an inbound message is stored: STOP/START and friends update consent and get a reply."""
    reply = keywords.handle_inbound_keyword(message_id)
    db.session.commit()
    if reply is not None:
        enqueue(send_message, reply.id)
