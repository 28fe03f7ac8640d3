"""GET /api/v1/workspace: the token's workspace, its plan, limits and usage (CONTRACT §4)."""

from __future__ import annotations

from flask import jsonify

from app.api import bp
from app.api.openapi import describe
from app.billing.summary import workspace_summary
from app.permissions import current_workspace

describe("/workspace", "get", "The token's workspace with its plan, subscription status, limits and usage")


@bp.get("/workspace")
def workspace_detail():
    return jsonify(workspace_summary(current_workspace()))
