"""A member's own data (export, close the account) and an owner closing the workspace."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from app.extensions import db
from app.models import Role
from app.permissions import current_workspace, role_required
from app.privacy import account_data
from app.privacy.forms import CloseAccountForm, CloseWorkspaceForm
from app.privacy.views import bp


@bp.get("/account/export")
@login_required
def account_export():
    document = account_data.export_user(current_user)
    db.session.commit()
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=conversa-account.json"},
    )


@bp.route("/account/close", methods=["GET", "POST"])
@login_required
def account_close():
    form = CloseAccountForm()
    if form.validate_on_submit():
        try:
            account_data.close_account(current_user, form.password.data)
        except account_data.ClosingError as refused:
            form.password.errors.append(refused.reason)
        else:
            db.session.commit()
            logout_user()
            flash(_("Your account is closed. We have signed you out."), "info")
            return redirect(url_for("auth.login"))
    return render_template("privacy/close_account.html", form=form), 400 if form.errors else 200


@bp.route("/workspace/close", methods=["GET", "POST"])
@login_required
@role_required(Role.OWNER)
def workspace_close():
    workspace = current_workspace()
    form = CloseWorkspaceForm()
    if form.validate_on_submit():
        try:
            account_data.close_workspace(workspace, current_user, form.password.data, form.confirm_name.data)
        except account_data.ClosingError as refused:
            form.password.errors.append(refused.reason)
        else:
            db.session.commit()
            flash(_("%(name)s is closed. Nobody can use it any more.", name=workspace.name), "info")
            return redirect(url_for("dashboard.home"))
    return render_template(
        "privacy/close_workspace.html",
        form=form,
        workspace=workspace,
        years=account_data.ACCOUNT_RETENTION.days // 365,
    ), 400 if form.errors else 200
