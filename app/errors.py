"""Error answers: an HTML page for people, JSON {"error"} for machines; a 500 rolls back."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db

# Routes that machines call: always JSON, whatever the Accept header says.
MACHINE_PREFIXES = ("/api/", "/webhooks/", "/meta/", "/healthz")


def wants_json() -> bool:
    if request.path.startswith(MACHINE_PREFIXES):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Please sign in to continue."),
        403: _("You don't have permission to do that."),
        404: _("We couldn't find that page."),
        405: _("That action isn't allowed here."),
        413: _("That upload is too large."),
        422: _("Some of the data sent was not valid."),
        429: _("Too many attempts. Please wait a moment and try again."),
        500: _("Something went wrong on our side. It has been logged."),
    }


def error_response(code: int, message: str | None = None):
    message = message or _messages().get(code, _("Something went wrong."))
    if wants_json():
        return jsonify(error=message), code
    return render_template("errors/page.html", code=code, message=message), code


def _handle_http(error: HTTPException):
    description = error.description if error.code not in (404, 405, 500) else None
    if description == type(error).description:
        description = None  # Werkzeug's English default: show our translated one instead
    return error_response(error.code or 500, description)


def _handle_csrf(error: CSRFError):
    return error_response(400, _("This form has expired. Go back, reload the page and submit it again."))


def _handle_500(error: Exception):
    db.session.rollback()
    return error_response(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(InternalServerError, _handle_500)
    app.register_error_handler(HTTPException, _handle_http)
