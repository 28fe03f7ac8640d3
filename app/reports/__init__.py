"""Reports: aggregate inbox and campaign numbers, charts and CSV export; never one contact."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from app.reports import routes  # noqa: E402, F401
