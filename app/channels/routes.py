"""Channel pages for admins: list, connect per type, Meta login, detail and disconnect."""

from __future__ import annotations

import secrets as stdlib_secrets

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import permissions, secrets
from app.auth.forms import ConfirmForm
from app.channels import bp, meta_oauth, queries
from app.channels.adapters.base import PermanentError, TransientError
from app.channels.adapters.registry import get_adapter
from app.channels.connect import ConnectError, connect_channel, disconnect_channel
from app.channels.forms import FORMS, KIND_LABELS
from app.extensions import db
from app.models import Channel, ChannelKind, ChannelStatus, Role
from app.permissions import get_or_404, role_required


def _kind(value: str) -> ChannelKind:
    try:
        return ChannelKind(value)
    except ValueError:
        abort(404)


@bp.get("/")
@login_required
@role_required(Role.ADMIN)
def index():
    channels = queries.channels_of(permissions.current_workspace())
    urls = {c.id: get_adapter(c).webhook_urls() for c in channels}
    return render_template(
        "channels/index.html", channels=channels, urls=urls, labels=KIND_LABELS, unrouted=queries.unrouted_events()
    )


@bp.route("/new/<kind>", methods=["GET", "POST"])
@login_required
@role_required(Role.ADMIN)
def new(kind: str):
    kind = _kind(kind)
    form = FORMS[kind]()
    if form.validate_on_submit():
        try:
            channel = connect_channel(
                permissions.current_workspace(), kind, form.name.data, form.settings(), current_user.id
            )
        except ConnectError as refused:
            db.session.rollback()
            flash(refused.reason, "error")
        else:
            db.session.commit()
            if channel.last_error:
                flash(_("Connected, but the test failed: %(reason)s", reason=channel.last_error), "warning")
            else:
                flash(_("%(name)s is connected.", name=channel.name), "success")
            if "inbound_token" in channel.credentials:  # shown once, right after it is made
                return render_template("channels/detail.html", channel=channel, **_detail(channel), new_token=True)
            return redirect(url_for("channels.detail", channel_id=channel.id))
    return render_template("channels/new.html", form=form, kind=kind, label=KIND_LABELS[kind])


def _detail(channel: Channel) -> dict:
    return {
        "urls": get_adapter(channel).webhook_urls(),
        "label": KIND_LABELS[channel.kind],
        "confirm_form": ConfirmForm(),
    }


@bp.get("/<int:channel_id>")
@login_required
@role_required(Role.ADMIN)
def detail(channel_id: int):
    channel = get_or_404(Channel, channel_id)
    return render_template("channels/detail.html", channel=channel, **_detail(channel), new_token=False)


@bp.post("/<int:channel_id>/disconnect")
@login_required
@role_required(Role.ADMIN)
def disconnect(channel_id: int):
    channel = get_or_404(Channel, channel_id)
    if ConfirmForm().validate_on_submit() and channel.status != ChannelStatus.DISCONNECTED:
        disconnect_channel(channel, current_user.id)
        db.session.commit()
        flash(_("%(name)s is disconnected. Its conversations are kept.", name=channel.name), "info")
    return redirect(url_for("channels.index"))


@bp.get("/meta/start/<kind>")
@login_required
@role_required(Role.ADMIN)
def meta_start(kind: str):
    kind = _kind(kind)
    if not current_app.config.get("META_APP_ID") or not current_app.config.get("META_APP_SECRET"):
        flash(_("The Meta app is not configured (META_APP_ID, META_APP_SECRET). Use a page token instead."), "error")
        return redirect(url_for("channels.new", kind=kind.value))
    session["meta_oauth_state"] = state = stdlib_secrets.token_urlsafe(24)
    session["meta_oauth_kind"] = kind.value
    callback = url_for("channels.meta_callback", _external=True)
    return redirect(meta_oauth.dialog_url(current_app.config, callback, state))


@bp.get("/meta/callback")
@login_required
@role_required(Role.ADMIN)
def meta_callback():
    if not request.args.get("code") or request.args.get("state") != session.pop("meta_oauth_state", None):
        flash(_("Facebook login was cancelled or expired. Please try again."), "error")
        return redirect(url_for("channels.index"))
    callback = url_for("channels.meta_callback", _external=True)
    try:
        token = meta_oauth.exchange_code(current_app.config, request.args["code"], callback)
        fb_user_id = meta_oauth.facebook_user_id(current_app.config, token)
    except (PermanentError, TransientError) as error:
        flash(_("Facebook refused the login: %(reason)s", reason=str(error)), "error")
        return redirect(url_for("channels.index"))
    meta_oauth.remember_login(current_user.id, fb_user_id, token)
    db.session.commit()
    # Encrypted: the session cookie is only signed.
    session["meta_user_token"] = secrets.encrypt({"token": token, "facebook_user_id": fb_user_id})
    return redirect(url_for("channels.meta_pick"))


def _meta_login() -> dict:
    stored = session.get("meta_user_token")
    if not stored:
        abort(404)
    return secrets.decrypt(stored)


@bp.route("/meta/pick", methods=["GET", "POST"])
@login_required
@role_required(Role.ADMIN)
def meta_pick():
    kind = ChannelKind(session.get("meta_oauth_kind", ChannelKind.MESSENGER.value))
    login = _meta_login()
    try:
        pages = meta_oauth.pages(current_app.config, login["token"])
    except (PermanentError, TransientError) as error:
        flash(_("Facebook refused the login: %(reason)s", reason=str(error)), "error")
        return redirect(url_for("channels.index"))
    if request.method == "POST" and ConfirmForm().validate_on_submit():
        page = next((p for p in pages if p["id"] == request.form.get("page_id")), None)
        if page is None or (kind == ChannelKind.INSTAGRAM and not page["instagram"]):
            abort(400)
        if kind == ChannelKind.INSTAGRAM:
            name = page["instagram"].get("username") or page["name"]
            settings = {"ig_user_id": page["instagram"]["id"], "access_token": page["access_token"]}
        else:
            name, settings = page["name"], {"page_id": page["id"], "access_token": page["access_token"]}
        settings["facebook_user_id"] = login.get("facebook_user_id", "")  # deauthorize finds it
        try:
            channel = connect_channel(permissions.current_workspace(), kind, name, settings, current_user.id)
        except ConnectError as refused:
            db.session.rollback()
            flash(refused.reason, "error")
        else:
            db.session.commit()
            session.pop("meta_user_token", None)
            flash(_("%(name)s is connected.", name=channel.name), "success")
            return redirect(url_for("channels.detail", channel_id=channel.id))
    return render_template(
        "channels/meta_pick.html", pages=pages, kind=kind, label=KIND_LABELS[kind], form=ConfirmForm()
    )
