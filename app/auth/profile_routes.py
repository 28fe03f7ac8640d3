"""The profile: name, language, time zone, marketing consent, password, sessions and API tokens."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from app import permissions
from app.auth import accounts, api_tokens, bp
from app.auth.forms import ApiTokenForm, ChangePasswordForm, ConfirmForm, ProfileForm
from app.extensions import db
from app.i18n import timezone_choices


def _render(profile_form=None, password_form=None, token_form=None, new_token=None):
    membership = permissions.current_membership()
    return render_template(
        "auth/profile.html",
        # Forms not being submitted are built without the request's data (formdata=None).
        profile_form=profile_form
        or ProfileForm(formdata=None, obj=current_user, marketing=current_user.marketing_consent),
        password_form=password_form or ChangePasswordForm(formdata=None),
        token_form=token_form or ApiTokenForm(formdata=None),
        confirm_form=ConfirmForm(),
        tokens=api_tokens.tokens_of(membership) if membership else [],
        new_token=new_token,
        timezones=timezone_choices(),
    )


@bp.get("/profile")
@login_required
def profile():
    return _render()


@bp.post("/profile")
@login_required
def update_profile():
    form = ProfileForm()
    if not form.validate_on_submit():
        return _render(profile_form=form), 400
    accounts.update_profile(
        current_user,
        name=form.name.data,
        locale=form.locale.data,
        timezone=form.timezone.data,
        marketing=form.marketing.data,
    )
    db.session.commit()
    flash(_("Profile saved."), "success")
    return redirect(url_for("auth.profile"))


@bp.post("/profile/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.password.data)
        except accounts.AccountError as refused:
            form.current.errors.append(refused.reason)
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # keep this session; every other one ends
            flash(_("Password changed. Other sessions have been signed out."), "success")
            return redirect(url_for("auth.profile"))
    return _render(password_form=form), 400


@bp.post("/profile/sessions/end")
@login_required
def end_sessions():
    if ConfirmForm().validate_on_submit():
        accounts.end_all_sessions(current_user)
        db.session.commit()
        flash(_("You have been signed out everywhere, including here."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/profile/tokens")
@login_required
def create_token():
    form = ApiTokenForm()
    membership = permissions.current_membership()
    if membership is None:
        return redirect(url_for("auth.profile"))
    if not form.validate_on_submit():
        return _render(token_form=form), 400
    _, raw = api_tokens.create_token(membership, form.token_name.data)
    db.session.commit()
    # Shown once, on this answer only: it is stored hashed.
    return _render(new_token=raw)


@bp.post("/profile/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    membership = permissions.current_membership()
    if ConfirmForm().validate_on_submit() and membership and api_tokens.revoke_token(membership, token_id):
        db.session.commit()
        flash(_("Token revoked. Programs using it can no longer connect."), "success")
    return redirect(url_for("auth.profile"))
