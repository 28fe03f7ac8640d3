"""Workspace contact settings: custom fields and WhatsApp opt-out keywords."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.contacts import bp, keywords, records
from app.contacts.forms import FieldForm, KeywordForm
from app.extensions import db
from app.models import ChannelKind, ConsentStatus, Role
from app.permissions import current_workspace, role_required


def _page(field_form=None, keyword_form=None, status=200):
    workspace = current_workspace()
    current = keywords.keywords_for(workspace.id, ChannelKind.WHATSAPP)
    if keyword_form is None:
        keyword_form = KeywordForm(formdata=None)
        keyword_form.withdraw.data = "\n".join(k for k, v in current.items() if v == ConsentStatus.WITHDRAWN)
        keyword_form.grant.data = "\n".join(k for k, v in current.items() if v == ConsentStatus.GRANTED)
    return render_template(
        "contacts/settings.html",
        fields=records.field_definitions(workspace.id),
        field_form=field_form or FieldForm(formdata=None),
        keyword_form=keyword_form,
        sms_keywords=keywords.SMS_KEYWORDS,
    ), status


@bp.get("/contacts/settings")
@login_required
@role_required(Role.ADMIN)
def settings():
    return _page()


@bp.post("/contacts/settings/fields")
@login_required
@role_required(Role.ADMIN)
def add_field():
    form = FieldForm()
    if not form.validate_on_submit():
        return _page(field_form=form, status=400)
    try:
        records.add_field(current_workspace(), form.key.data, form.label.data)
    except records.ContactError as error:
        form.key.errors.append(error.reason)
        return _page(field_form=form, status=400)
    db.session.commit()
    flash(_("Field added."), "success")
    return redirect(url_for("contacts.settings"))


@bp.post("/contacts/settings/keywords")
@login_required
@role_required(Role.ADMIN)
def save_keywords():
    form = KeywordForm()
    if not form.validate_on_submit():
        return _page(keyword_form=form, status=400)
    keywords.set_whatsapp_keywords(
        current_workspace().id, form.withdraw.data.splitlines(), form.grant.data.splitlines()
    )
    db.session.commit()
    flash(_("Keywords saved."), "success")
    return redirect(url_for("contacts.settings"))
