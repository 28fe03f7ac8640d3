"""Staff tools for data-subject requests (admins): a contact's privacy page and "Data requests"."""

from __future__ import annotations

import json

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.forms import ConfirmForm
from app.extensions import db
from app.jobs import enqueue
from app.jobs.privacy import run_deletion
from app.models import Contact, PrivacyRegime, Role
from app.permissions import current_workspace, get_or_404, role_required
from app.privacy import deletion, dsr
from app.privacy.forms import CorrectContactForm, PrivacySettingsForm, parse_fields
from app.privacy.views import bp


def _contact_page(contact: Contact, form=None, code=None, status=200):
    form = form or CorrectContactForm(
        formdata=None,
        obj=contact,
        custom_fields="\n".join(f"{k}: {v}" for k, v in (contact.custom_fields or {}).items()),
    )
    return render_template(
        "privacy/contact.html",
        contact=contact,
        form=form,
        confirm_form=ConfirmForm(),
        deletions=dsr.deletions_for(contact.id),
        new_code=code,
    ), status


@bp.get("/contacts/<int:contact_id>/privacy")
@login_required
@role_required(Role.ADMIN)
def contact_privacy(contact_id: int):
    return _contact_page(get_or_404(Contact, contact_id))


@bp.get("/contacts/<int:contact_id>/privacy/export")
@login_required
@role_required(Role.ADMIN)
def contact_export(contact_id: int):
    contact = get_or_404(Contact, contact_id)
    document = dsr.export_contact(contact, current_user)
    db.session.commit()
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=contact-{contact.id}.json"},
    )


@bp.post("/contacts/<int:contact_id>/privacy/correct")
@login_required
@role_required(Role.ADMIN)
def contact_correct(contact_id: int):
    contact = get_or_404(Contact, contact_id)
    form = CorrectContactForm()
    if form.validate_on_submit():
        try:
            dsr.correct_contact(
                contact,
                current_user,
                name=form.name.data or "",
                phone=form.phone.data or "",
                email=form.email.data or "",
                custom_fields=parse_fields(form.custom_fields.data),
            )
        except dsr.DataRequestError as refused:
            db.session.rollback()
            getattr(form, refused.field).errors.append(refused.reason)
        else:
            db.session.commit()
            flash(_("The contact's data has been corrected."), "success")
            return redirect(url_for("privacy.contact_privacy", contact_id=contact.id))
    return _contact_page(contact, form=form, status=400)


@bp.post("/contacts/<int:contact_id>/privacy/object")
@login_required
@role_required(Role.ADMIN)
def contact_object(contact_id: int):
    contact = get_or_404(Contact, contact_id)
    if ConfirmForm().validate_on_submit():
        dsr.record_objection(contact, current_user)
        db.session.commit()
        flash(_("Objection recorded: this contact will receive no more campaigns on any channel."), "success")
    return redirect(url_for("privacy.contact_privacy", contact_id=contact.id))


@bp.post("/contacts/<int:contact_id>/privacy/delete")
@login_required
@role_required(Role.ADMIN)
def contact_delete(contact_id: int):
    contact = get_or_404(Contact, contact_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("privacy.contact_privacy", contact_id=contact.id))
    request = deletion.request_for_contact(contact, current_user)
    db.session.commit()
    enqueue(run_deletion, request.id)
    status_url = current_app.config["BASE_URL"] + url_for("privacy.deletion_status", code=request.code)
    return render_template("privacy/deletion_started.html", code=request.code, status_url=status_url)


@bp.route("/privacy/requests", methods=["GET", "POST"])
@login_required
@role_required(Role.ADMIN)
def data_requests():
    workspace = current_workspace()
    settings = dsr.settings_for(workspace.id)
    form = PrivacySettingsForm(obj=settings, regime=settings.regime.value)
    if form.validate_on_submit():
        settings.regime = PrivacyRegime(form.regime.data)
        settings.meta_retention_days = form.meta_retention_days.data
        db.session.commit()
        flash(_("Privacy settings saved."), "success")
        return redirect(url_for("privacy.data_requests"))
    db.session.commit()  # the settings row, on first visit
    return render_template("privacy/requests.html", rows=dsr.requests_of(workspace), form=form, settings=settings)
