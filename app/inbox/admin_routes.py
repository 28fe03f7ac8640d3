"""Inbox settings for admins: automation, keyword replies, canned responses and labels."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.auth.forms import ConfirmForm
from app.extensions import db
from app.inbox import bp, settings
from app.inbox.forms import DAY_LABELS, AutomationForm, CannedResponseForm, KeywordRuleForm, LabelForm
from app.models import CannedResponse, KeywordRule, Label, Role
from app.models.inbox import WEEKDAYS
from app.permissions import current_workspace, get_or_404, role_required

REMOVABLE = {"label": Label, "canned": CannedResponse, "keyword": KeywordRule}


def _automation_form(found) -> AutomationForm:
    form = AutomationForm(obj=found)
    if not form.is_submitted():
        for day in WEEKDAYS:
            start, end = (found.business_hours or {}).get(day, ["", ""])
            getattr(form, f"{day}_open").data, getattr(form, f"{day}_close").data = start, end
    return form


def _settings_page(status: int = 200, **forms):
    workspace = current_workspace()
    context = {
        "automation_form": forms.get("automation_form") or _automation_form(settings.settings_of(workspace)),
        "label_form": forms.get("label_form") or LabelForm(formdata=None),
        "canned_form": forms.get("canned_form") or CannedResponseForm(formdata=None),
        "keyword_form": forms.get("keyword_form") or KeywordRuleForm(formdata=None),
        "confirm_form": ConfirmForm(),
        "weekdays": WEEKDAYS,
        "day_label": lambda day: DAY_LABELS[day],
        **settings.listing(workspace),
    }
    return render_template("inbox/settings.html", **context), status


@bp.get("/inbox/settings")
@login_required
@role_required(Role.ADMIN)
def settings_page():
    return _settings_page()


@bp.post("/inbox/settings/automation")
@login_required
@role_required(Role.ADMIN)
def save_automation():
    found = settings.settings_of(current_workspace())
    form = _automation_form(found)
    if not form.validate_on_submit():
        return _settings_page(400, automation_form=form)
    hours = {day: (getattr(form, f"{day}_open").data, getattr(form, f"{day}_close").data) for day in WEEKDAYS}
    values = {k: getattr(form, k).data for k in ("human_agent_tag", "away_enabled", "away_text", "away_period_hours")}
    try:
        settings.update_automation(found, values, hours)
    except settings.SettingsError as refused:
        form.away_text.errors = [refused.reason]
        return _settings_page(400, automation_form=form)
    db.session.commit()
    flash(_("Automation saved."), "success")
    return redirect(url_for("inbox.settings_page"))


def _add(form, form_name: str, create):
    if not form.validate_on_submit():
        return _settings_page(400, **{form_name: form})
    try:
        create(form)
    except settings.SettingsError as refused:
        next(iter(form._fields.values())).errors = [refused.reason]
        return _settings_page(400, **{form_name: form})
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("inbox.settings_page"))


@bp.post("/inbox/settings/labels")
@login_required
@role_required(Role.ADMIN)
def add_label():
    return _add(LabelForm(), "label_form", lambda f: settings.add_label(current_workspace(), f.name.data))


@bp.post("/inbox/settings/canned")
@login_required
@role_required(Role.ADMIN)
def add_canned():
    form = CannedResponseForm()
    return _add(form, "canned_form", lambda f: settings.add_canned(current_workspace(), f.shortcut.data, f.text.data))


@bp.post("/inbox/settings/keywords")
@login_required
@role_required(Role.ADMIN)
def add_keyword():
    form = KeywordRuleForm()
    return _add(form, "keyword_form", lambda f: settings.add_keyword(current_workspace(), f.keyword.data, f.reply.data))


@bp.post("/inbox/settings/<kind>/<int:item_id>/remove")
@login_required
@role_required(Role.ADMIN)
def remove(kind: str, item_id: int):
    model = REMOVABLE.get(kind)
    if model is None:
        abort(404)
    item = get_or_404(model, item_id)
    if ConfirmForm().validate_on_submit():
        db.session.delete(item)
        db.session.commit()
        flash(_("Removed."), "info")
    return redirect(url_for("inbox.settings_page"))
