"""Contacts: list, profile, tags, custom fields, merge, CSV import and export."""

from flask import Blueprint

bp = Blueprint("contacts", __name__)

from app.contacts import labels, routes  # noqa: E402, F401
