"""The dashboard: where to start, and what needs attention."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from app import permissions
from app.dashboard import bp
from app.workspaces import members


@bp.get("/")
def home():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    return render_template("dashboard/welcome.html")


@bp.get("/dashboard")
@login_required
def index():
    workspace = permissions.current_workspace()
    if workspace is None:
        return render_template("dashboard/no_workspace.html")
    return render_template("dashboard/index.html", member_count=len(members.members_of(workspace)))
