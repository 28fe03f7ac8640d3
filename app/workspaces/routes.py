"""Workspace pages: members, invitations, settings, switching and the audit log."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import audit, permissions
from app.auth import accounts
from app.auth.forms import ConfirmForm
from app.billing.limits import PlanLimitError
from app.extensions import db
from app.i18n import timezone_choices
from app.jobs import enqueue
from app.jobs.mail import send_email
from app.mailer import compose
from app.models import Invitation, Membership, Role
from app.permissions import get_or_404, role_required
from app.workspaces import audit_log, bp, members
from app.workspaces.forms import InviteForm, NewWorkspaceForm, RoleForm, WorkspaceSettingsForm


def _members_page(invite_form=None, status=200, limit_error=None):
    workspace = permissions.current_workspace()
    return render_template(
        "workspaces/members.html",
        members=members.members_of(workspace),
        invitations=members.pending_invitations(workspace),
        invite_form=invite_form or InviteForm(),
        role_form=RoleForm(),
        confirm_form=ConfirmForm(),
        limit_error=limit_error,
    ), status


@bp.get("/members")
@login_required
@role_required(Role.ADMIN)
def members_index():
    return _members_page()


@bp.post("/members/invite")
@login_required
@role_required(Role.ADMIN)
def invite():
    form = InviteForm()
    if not form.validate_on_submit():
        return _members_page(form, 400)
    role = Role(form.role.data)
    if role == Role.OWNER and not permissions.has_role(Role.OWNER):
        form.role.errors.append(_("Only an owner can invite another owner."))
        return _members_page(form, 403)
    workspace = permissions.current_workspace()
    try:
        invitation, raw = members.invite(workspace, form.email.data, role, current_user)
    except members.MemberError as refused:
        form.email.errors.append(refused.reason)
        return _members_page(form, 400)
    except PlanLimitError as refused:
        return _members_page(form, 400, limit_error=refused)
    db.session.commit()
    link = url_for("auth.accept_invitation", token=raw, _external=True)
    subject = _("%(name)s invited you to %(workspace)s on Conversa", name=current_user.name, workspace=workspace.name)
    enqueue(send_email, *compose(invitation.email, subject, "invitation", invitation=invitation, link=link))
    flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
    return redirect(url_for("workspaces.members_index"))


@bp.post("/invitations/<int:invitation_id>/revoke")
@login_required
@role_required(Role.ADMIN)
def revoke_invitation(invitation_id: int):
    invitation = get_or_404(Invitation, invitation_id)
    if ConfirmForm().validate_on_submit():
        members.revoke_invitation(invitation, current_user)
        db.session.commit()
        flash(_("Invitation withdrawn."), "info")
    return redirect(url_for("workspaces.members_index"))


@bp.post("/members/<int:membership_id>/role")
@login_required
@role_required(Role.ADMIN)
def change_role(membership_id: int):
    membership = get_or_404(Membership, membership_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            members.change_role(membership, Role(form.role.data), permissions.current_membership())
        except members.MemberError as refused:
            flash(refused.reason, "error")
        else:
            db.session.commit()
            flash(_("Role updated."), "success")
    return redirect(url_for("workspaces.members_index"))


@bp.post("/members/<int:membership_id>/remove")
@login_required
@role_required(Role.ADMIN)
def remove_member(membership_id: int):
    membership = get_or_404(Membership, membership_id)
    if ConfirmForm().validate_on_submit():
        try:
            members.remove(membership, permissions.current_membership())
        except members.MemberError as refused:
            flash(refused.reason, "error")
        else:
            db.session.commit()
            flash(_("Member removed."), "success")
    return redirect(url_for("workspaces.members_index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
@role_required(Role.ADMIN)
def settings():
    workspace = permissions.current_workspace()
    form = WorkspaceSettingsForm(obj=workspace)
    if form.validate_on_submit():
        changed = {name: field.data for name, field in form._fields.items() if name in ("name", "timezone")}
        form.populate_obj(workspace)
        workspace.default_country = workspace.default_country.upper()
        audit.record("workspace.settings_changed", workspace_id=workspace.id, actor_id=current_user.id, **changed)
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("workspaces.settings"))
    status = 400 if form.errors else 200
    return render_template("workspaces/settings.html", form=form, timezones=timezone_choices()), status


@bp.post("/switch/<int:workspace_id>")
@login_required
def switch(workspace_id: int):
    chosen = next((m for m in permissions.active_memberships(current_user) if m.workspace_id == workspace_id), None)
    if chosen is None or not ConfirmForm().validate_on_submit():
        abort(404)
    permissions.use_membership(chosen)
    return redirect(url_for("dashboard.index"))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = NewWorkspaceForm()
    if form.validate_on_submit():
        workspace = accounts.create_workspace(form.name.data, current_user)
        db.session.commit()
        permissions.use_membership(workspace.memberships[0])
        flash(_("Workspace %(name)s created.", name=workspace.name), "success")
        return redirect(url_for("dashboard.index"))
    return render_template("workspaces/new.html", form=form), 400 if form.errors else 200


@bp.get("/audit")
@login_required
@role_required(Role.OWNER)
def audit_index():
    action = request.args.get("action") or None
    before = request.args.get("before", type=int)
    events = audit_log.events(permissions.current_workspace(), action=action, before_id=before)
    next_before = events[-1].id if len(events) == audit_log.PAGE_SIZE else None
    return render_template(
        "workspaces/audit.html", events=events, action=action, groups=audit_log.action_groups(), next_before=next_before
    )
