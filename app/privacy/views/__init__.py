"""Privacy and data rights: Meta's callbacks, the public deletion status page, legal pages,
data-subject tools for staff, account closing, retention, cookie consent and incidents."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, cli_group=None)  # `flask retention run`, not `flask privacy …`

from app.privacy.views import account, cli, cookies, dsr, incidents, legal, public  # noqa: E402,F401
