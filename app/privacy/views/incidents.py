"""Owners record security incidents and log who was notified, against Meta's 24-hour deadline."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.forms import ConfirmForm
from app.extensions import db
from app.jobs import enqueue
from app.jobs.mail import send_email
from app.mailer import compose
from app.models import Incident, Role, utcnow
from app.permissions import current_workspace, get_or_404, role_required
from app.privacy import incidents
from app.privacy.forms import IncidentForm, NotificationForm
from app.privacy.views import bp


@bp.route("/privacy/incidents", methods=["GET", "POST"])
@login_required
@role_required(Role.OWNER)
def incident_index():
    workspace = current_workspace()
    form = IncidentForm()
    if form.validate_on_submit():
        incident = incidents.record_incident(
            workspace,
            current_user,
            title=form.title.data,
            detected_at=form.detected_at.data,
            involves_meta_data=form.involves_meta_data.data,
            description=form.description.data or "",
        )
        db.session.commit()
        return redirect(url_for("privacy.incident_detail", incident_id=incident.id))
    return render_template(
        "privacy/incidents.html",
        incidents=incidents.incidents_of(workspace),
        form=form,
        deadline=incidents.deadline,
    ), 400 if form.errors else 200


@bp.get("/privacy/incidents/<int:incident_id>")
@login_required
@role_required(Role.OWNER)
def incident_detail(incident_id: int, form=None):
    incident = get_or_404(Incident, incident_id)
    return render_template(
        "privacy/incident.html",
        incident=incident,
        deadline=incidents.deadline(incident),
        now=utcnow(),
        form=form or NotificationForm(formdata=None),
        confirm_form=ConfirmForm(),
    )


@bp.post("/privacy/incidents/<int:incident_id>/notifications")
@login_required
@role_required(Role.OWNER)
def incident_notify(incident_id: int):
    incident = get_or_404(Incident, incident_id)
    form = NotificationForm()
    if not form.validate_on_submit():
        return incident_detail(incident_id, form=form), 400
    incidents.log_notification(incident, current_user, form.recipient.data, form.method.data, form.note.data or "")
    db.session.commit()
    flash(_("Added to the notification log."), "success")
    return redirect(url_for("privacy.incident_detail", incident_id=incident.id))


@bp.post("/privacy/incidents/<int:incident_id>/email-owners")
@login_required
@role_required(Role.OWNER)
def incident_email_owners(incident_id: int):
    incident = get_or_404(Incident, incident_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("privacy.incident_detail", incident_id=incident.id))
    recipients = incidents.owner_emails(incident.workspace_id)
    incidents.log_notification(incident, current_user, "owners", "e-mail", ", ".join(e for e, _ in recipients))
    db.session.commit()
    for email, locale in recipients:
        with force_locale(locale or "en"):
            message = compose(email, _("Security incident notice"), "incident_notice", incident=incident)
        enqueue(send_email, *message)
    flash(_("The workspace owners have been e-mailed."), "success")
    return redirect(url_for("privacy.incident_detail", incident_id=incident.id))
