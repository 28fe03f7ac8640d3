"""Public, no-login routes of CONTRACT §3: Meta's callbacks and the deletion status pages."""

from __future__ import annotations

import re

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for

from app.errors import error_response, wants_json
from app.extensions import csrf, db
from app.jobs import enqueue
from app.jobs.privacy import run_deletion
from app.models import DeletionRequest
from app.privacy import connections, deletion, rate_limit, status
from app.privacy.signed_request import SignedRequestError, parse
from app.privacy.views import bp

MAX_CALLBACK_BYTES = 16 * 1024
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
LOOKUPS_PER_MINUTE = 30
MISSES_PER_HOUR = 10


def _signed_payload() -> dict:
    """The verified payload of the `signed_request` form field, or a 400/413 JSON answer."""
    request.max_content_length = MAX_CALLBACK_BYTES
    try:
        return parse(request.form.get("signed_request"), current_app.config.get("META_APP_SECRET"))
    except SignedRequestError as error:
        current_app.logger.warning("refused Meta callback on %s: %s", request.path, error)
        abort(400, str(error))


@bp.post("/meta/data-deletion")
@csrf.exempt
def meta_data_deletion():
    payload = _signed_payload()
    deletion_request = deletion.request_for_meta_user(payload["user_id"])
    db.session.commit()
    enqueue(run_deletion, deletion_request.id)
    return jsonify(
        url=current_app.config["BASE_URL"] + url_for("privacy.deletion_status", code=deletion_request.code),
        confirmation_code=deletion_request.code,
    )


@bp.post("/meta/deauthorize")
@csrf.exempt
def meta_deauthorize():
    payload = _signed_payload()
    connections.deauthorize(payload["user_id"])
    db.session.commit()
    return jsonify(status="ok")


@bp.get("/data-deletion")
def deletion_help():
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("privacy.deletion_status", code=code))
    return render_template("privacy/deletion_help.html")


@bp.get("/data-deletion/<path:code>")
def deletion_status(code: str):
    address = request.remote_addr or "unknown"
    if rate_limit.exceeded(f"lookup:{address}", LOOKUPS_PER_MINUTE, 60) or rate_limit.exceeded(
        f"miss:{address}", MISSES_PER_HOUR, 3600, count=False
    ):
        return error_response(429)
    found = _find(code)
    if found is None:
        rate_limit.exceeded(f"miss:{address}", MISSES_PER_HOUR, 3600)
        return error_response(404)
    if wants_json():
        return jsonify(status.document(found))
    return render_template("privacy/deletion_status.html", deletion=found, view=status.view(found))


def _find(code: str) -> DeletionRequest | None:
    if not CODE_PATTERN.fullmatch(code):
        return None
    return db.session.scalar(db.select(DeletionRequest).where(DeletionRequest.code == code))
