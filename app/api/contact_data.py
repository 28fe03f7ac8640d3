"""CONTRACT §4 data rights over the API: export a contact, delete a contact (202 + code)."""

from __future__ import annotations

from flask import abort, current_app, jsonify, url_for

from app.api import bp
from app.api.openapi import describe, id_parameter
from app.extensions import db
from app.jobs import enqueue
from app.jobs.privacy import run_deletion
from app.models import Contact, DeletionSource, Role
from app.permissions import current_membership, get_or_404, has_role
from app.privacy import deletion, dsr

describe(
    "/contacts/{contact_id}/export",
    "get",
    "Everything held about the contact, as one JSON document (admins)",
    parameters=[id_parameter("contact_id")],
    responses={"200": {"description": "The document"}, "404": {"$ref": "#/components/responses/NotFound"}},
)
describe(
    "/contacts/{contact_id}",
    "delete",
    "Delete the contact's data with the deletion engine; answers the code and its status URL (admins)",
    parameters=[id_parameter("contact_id")],
    responses={
        "202": {
            "description": "Deletion queued",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {"confirmation_code": {"type": "string"}, "status_url": {"type": "string"}},
                    }
                }
            },
        },
        "404": {"$ref": "#/components/responses/NotFound"},
    },
)


def _require_admin() -> None:
    if not has_role(Role.ADMIN):
        abort(403, "an admin or owner token is needed for data-rights operations")


@bp.get("/contacts/<int:contact_id>/export")
def contact_data_export(contact_id: int):
    _require_admin()
    contact = get_or_404(Contact, contact_id)
    document = dsr.export_contact(contact, current_membership().user, source="api")
    db.session.commit()
    return jsonify(document)


@bp.delete("/contacts/<int:contact_id>")
def contact_data_delete(contact_id: int):
    _require_admin()
    contact = get_or_404(Contact, contact_id)
    request = deletion.request_for_contact(contact, current_membership().user, DeletionSource.API)
    db.session.commit()
    enqueue(run_deletion, request.id)
    status_url = current_app.config["BASE_URL"] + url_for("privacy.deletion_status", code=request.code)
    return jsonify(confirmation_code=request.code, status_url=status_url), 202
