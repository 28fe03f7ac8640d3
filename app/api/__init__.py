"""JSON API for integrations (/api/v1): bearer tokens act as their member, in their workspace.

Each resource lives in its own module, registers its routes on `bp` and describes them for
the OpenAPI document with `openapi.describe`.
"""

from flask import Blueprint, abort, g, request

from app.auth.api_tokens import membership_for_token
from app.extensions import csrf, db

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.before_request
def authenticate() -> None:
    """`Authorization: Bearer <token>`; the OpenAPI document is public."""
    if request.endpoint == "api.openapi_document":
        return
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    membership = membership_for_token(raw.strip()) if scheme.lower() == "bearer" and raw.strip() else None
    if membership is None:
        abort(401)
    db.session.commit()  # keeps the token's last_used_at
    g.membership = membership


from app.api import (  # noqa: E402, F401  (routes register on bp)
    campaigns,
    contact_data,
    contacts,
    conversations,
    openapi,
    workspace,
)
