"""GET /api/v1/workspace: the token's workspace, its plan, limits and usage."""

from __future__ import annotations

from flask import jsonify

from app.api import bp
from app.api.openapi import describe
from app.permissions import current_workspace

describe("/workspace", "get", "The token's workspace with its plan, limits and usage")


@bp.get("/workspace")
def workspace_detail():
    workspace = current_workspace()
    return jsonify({"id": workspace.id, "name": workspace.name})
