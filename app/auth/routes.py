"""Auth pages: thin views over accounts, throttle, reset, invitations and tokens."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from app import audit, permissions
from app.auth import accounts, bp, reset, throttle
from app.auth.forms import (
    AcceptInvitationForm,
    ConfirmForm,
    ForgotPasswordForm,
    JoinForm,
    LoginForm,
    ResetPasswordForm,
    SignupForm,
)
from app.extensions import db
from app.i18n import select_locale
from app.jobs import enqueue
from app.jobs.mail import send_email
from app.mailer import compose
from app.workspaces import members

LOCKED = _l("Too many failed sign-ins. For your security, sign-in is paused until %(time)s.")


def _is_safe_next(target: str | None) -> bool:
    return bool(target) and target.startswith("/") and not target.startswith("//")


def _sign_in(user, remember: bool = False) -> None:
    session.clear()  # a fresh session on every sign-in (no fixation)
    login_user(user, remember=remember)
    audit.record("login.succeeded", actor_id=user.id)


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                locale=select_locale(),
                timezone=form.timezone.data or None,
                marketing=form.marketing.data,
                ip_address=request.remote_addr,
            )
        except accounts.AccountError as refused:
            form.email.errors.append(refused.reason)
        else:
            accounts.create_workspace(form.workspace_name.data, user)
            _sign_in(user)
            db.session.commit()
            flash(_("Welcome to Conversa! Your workspace is ready."), "success")
            return redirect(url_for("dashboard.index"))
    return render_template("auth/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email, address = form.email.data, request.remote_addr
        user = accounts.find_user(email)
        lock = throttle.locked_until(email, address)
        if lock is None and user is not None and user.closed_at is None and user.check_password(form.password.data):
            throttle.clear(email)
            _sign_in(user, form.remember.data)
            db.session.commit()
            target = request.args.get("next")
            return redirect(target if _is_safe_next(target) else url_for("dashboard.index"))
        if lock is None:
            lock = throttle.record_failure(email, address)
            audit.record("login.failed", actor_id=user.id if user else None, target=accounts.normalise_email(email))
            db.session.commit()
        if lock is not None:
            form.email.errors.append(LOCKED % {"time": format_time(lock, "short")})
        else:
            form.password.errors.append(_("Wrong e-mail or password."))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 401


@bp.post("/logout")
@login_required
def logout():
    if ConfirmForm().validate_on_submit():
        audit.record("logout", actor_id=current_user.id)
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        started = reset.start_reset(form.email.data)
        db.session.commit()
        if started:
            user, raw = started
            link = url_for("auth.reset_password", token=raw, _external=True)
            enqueue(
                send_email,
                *compose(user.email, _("Reset your Conversa password"), "reset_password", user=user, link=link),
            )
        # The same answer either way, so the page never reveals who has an account.
        flash(_("If an account exists for that address, we have sent it a link to choose a new password."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    pending = reset.usable_reset(token)
    if pending is None:
        flash(_("This reset link has expired or was already used. Ask for a new one."), "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = reset.finish_reset(pending, form.password.data)
        throttle.clear(user.email)
        db.session.commit()
        flash(_("Your password is changed. Sign in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = members.usable_invitation(token)
    if invitation is None:
        flash(_("This invitation has expired or was already used. Ask for a new one."), "error")
        return redirect(url_for("auth.login"))
    if current_user.is_authenticated:
        return _join_as_current_user(invitation)
    existing = accounts.find_user(invitation.email)
    if existing is not None:
        flash(
            _(
                "Sign in as %(email)s to join %(workspace)s.",
                email=invitation.email,
                workspace=invitation.workspace.name,
            ),
            "info",
        )
        return redirect(url_for("auth.login", next=request.path))
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        user = accounts.create_user(
            email=invitation.email,
            name=form.name.data,
            password=form.password.data,
            locale=select_locale(),
            timezone=form.timezone.data or None,
            marketing=form.marketing.data,
            ip_address=request.remote_addr,
        )
        membership = members.accept(invitation, user)
        _sign_in(user)
        permissions.use_membership(membership)
        db.session.commit()
        flash(_("Welcome to %(workspace)s!", workspace=invitation.workspace.name), "success")
        return redirect(url_for("dashboard.index"))
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation)


def _join_as_current_user(invitation):
    form = JoinForm()
    if form.validate_on_submit():
        membership = members.accept(invitation, current_user)
        permissions.use_membership(membership)
        db.session.commit()
        flash(_("You joined %(workspace)s.", workspace=invitation.workspace.name), "success")
        return redirect(url_for("dashboard.index"))
    return render_template("auth/join.html", form=form, invitation=invitation)


@bp.post("/language")
def set_language():
    """Anonymous visitors pick a language with a cookie; members keep it on their profile."""
    choice = request.form.get("locale", "en")
    target = request.form.get("next")
    response = redirect(target if _is_safe_next(target) else url_for("auth.login"))
    if choice in ("en", "es"):
        response.set_cookie("lang", choice, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        if current_user.is_authenticated:
            current_user.locale = choice
            db.session.commit()
    return response


from app.auth import profile_routes  # noqa: E402,F401  (profile pages share this blueprint)
