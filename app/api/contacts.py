"""Contacts API (CONTRACT §4): create with tags and consents, list by tag or search, read one."""

from __future__ import annotations

from flask import jsonify, request

from app.api import bp
from app.api.openapi import describe, id_parameter, list_parameters
from app.api.pagination import newest_first
from app.contacts import queries, records
from app.extensions import db
from app.models import Contact
from app.permissions import current_workspace, get_or_404
from app.privacy.consent import CONSENT_CHANNELS, consent_state

describe(
    "/contacts",
    "post",
    "Create a contact with tags and consents",
    {"201": {"description": "Created"}, "422": {"description": "A bad field, named"}},
)
describe("/contacts", "get", "Contacts, newest first, by tag or search", parameters=list_parameters("tag", "q"))
describe(
    "/contacts/{contact_id}",
    "get",
    "One contact with identities, consents and tags",
    parameters=[id_parameter("contact_id")],
)


def _error(message: str, status: int):
    return jsonify({"error": message}), status


@bp.post("/contacts")
def create_contact():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _error("send a JSON object", 400)
    consents = data.get("consents") or []
    if not isinstance(consents, list) or not all(isinstance(c, dict) for c in consents):
        return _error("consents: must be a list of objects", 422)
    try:
        contact = records.create_contact(
            current_workspace(),
            records.ContactInput(
                name=str(data.get("name") or ""),
                phone=data.get("phone"),
                email=data.get("email"),
                tags=[str(t) for t in data.get("tags") or []],
                consents=[
                    records.ConsentInput(
                        str(c.get("channel", "")),
                        str(c.get("status", "")),
                        str(c.get("source") or "api"),
                        str(c.get("evidence") or ""),
                    )
                    for c in consents
                ],
            ),
        )
    except records.ContactError as error:
        db.session.rollback()
        return _error(f"{error.field}: {error.reason}", 422)
    db.session.commit()
    return jsonify({"id": contact.id}), 201


def contact_json(contact: Contact, full: bool = False) -> dict:
    data = {
        "id": contact.id,
        "name": contact.name,
        "phone": contact.phone,
        "email": contact.email,
        "tags": [t.name for t in contact.tags],
    }
    if full:
        data["identities"] = [
            {"channel_type": str(i.channel.kind), "channel_id": i.channel_id, "external_id": i.external_id}
            for i in contact.identities
        ]
        data["consents"] = [
            {"channel": str(kind), "status": str(state)}
            for kind in CONSENT_CHANNELS
            if (state := consent_state(contact.id, kind))
        ]
        data["custom_fields"] = contact.custom_fields or {}
    return data


@bp.get("/contacts")
def list_contacts():
    filters = queries.ContactFilters(
        q=request.args.get("q", ""), tags=tuple(t for t in request.args.getlist("tag") if t)
    )
    query = queries.filtered(current_workspace().id, filters)
    rows, cursor = newest_first(query, Contact.created_at, Contact.id, lambda c: (c.created_at, c.id))
    return jsonify({"contacts": [contact_json(c) for c in rows], "next_cursor": cursor})


@bp.get("/contacts/<int:contact_id>")
def contact_detail(contact_id: int):
    return jsonify(contact_json(get_or_404(Contact, contact_id), full=True))
