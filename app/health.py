"""GET /healthz: is the database up, and (in rq mode) Redis."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

from app import jobs
from app.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    mode = current_app.config["JOBS_RESOLVED"]
    body = {"status": "ok", "database": "ok", "jobs": mode}
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        body.update(status="error", database="unavailable", error="database unavailable")
    if mode == "rq" and not jobs.redis_available():
        body.update(status="error", redis="unavailable", error="redis unavailable")
    return jsonify(body), 200 if body["status"] == "ok" else 503
