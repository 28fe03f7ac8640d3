"""Sign-up, login and lock-out, password reset, invitations, profile and API tokens."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import routes  # noqa: E402,F401
