"""CSV import pages: upload, column mapping, progress (htmx polling) and the rejected-rows report."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.contacts import bp, csv_import, records
from app.contacts.forms import CONSENT_CHANNEL_CHOICES, ImportOptionsForm, UploadForm
from app.extensions import db
from app.jobs import contacts as contact_jobs
from app.jobs import enqueue
from app.models import ContactImport, ImportStatus, Role
from app.permissions import current_workspace, get_or_404, role_required
from app.storage import get_storage


@bp.route("/contacts/import", methods=["GET", "POST"])
@login_required
@role_required(Role.ADMIN)
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        upload_file = form.file.data
        try:
            contact_import, _headers = csv_import.start_import(
                current_workspace(), current_user, upload_file.filename, upload_file.read()
            )
        except csv_import.ImportFileError as error:
            form.file.errors.append(str(error))
        else:
            db.session.commit()
            return redirect(url_for("contacts.import_mapping", import_id=contact_import.id))
    return render_template("contacts/import_upload.html", form=form), 400 if form.errors else 200


def _headers(contact_import: ContactImport) -> list[str]:
    text, _encoding = csv_import.read_text(get_storage().read(contact_import.file_key))
    return csv_import.headers_of(text)


@bp.route("/contacts/imports/<int:import_id>", methods=["GET", "POST"])
@login_required
@role_required(Role.ADMIN)
def import_mapping(import_id: int):
    contact_import = get_or_404(ContactImport, import_id)
    if contact_import.status != ImportStatus.PENDING:
        return render_template("contacts/import_progress.html", contact_import=contact_import)
    form = ImportOptionsForm()
    fields = records.field_definitions(contact_import.workspace_id)
    targets = [*csv_import.TARGETS, *(f"field:{f.key}" for f in fields)]
    error = None
    if form.validate_on_submit():
        mapping = {t: request.form.get(f"map_{t}", "") for t in targets}
        try:
            csv_import.configure(
                contact_import,
                mapping,
                (form.tags.data or "").split(","),
                request.form.getlist("consent"),
                form.consent_source.data or "",
            )
        except csv_import.ImportFileError as refused:
            error = str(refused)
        else:
            db.session.commit()
            enqueue(contact_jobs.run_contact_import, contact_import.id)
            return redirect(url_for("contacts.import_mapping", import_id=contact_import.id))
    return render_template(
        "contacts/import_mapping.html",
        contact_import=contact_import,
        headers=_headers(contact_import),
        targets=targets,
        fields={f"field:{f.key}": f.label for f in fields},
        form=form,
        error=error,
        consent_choices=CONSENT_CHANNEL_CHOICES,
    ), 400 if error else 200


@bp.get("/contacts/imports/<int:import_id>/progress")
@login_required
@role_required(Role.ADMIN)
def import_progress(import_id: int):
    """The progress card alone, polled by htmx until the import ends."""
    contact_import = get_or_404(ContactImport, import_id)
    return render_template("contacts/_import_progress.html", contact_import=contact_import)


@bp.get("/contacts/imports/<int:import_id>/rejected.csv")
@login_required
@role_required(Role.ADMIN)
def import_report(import_id: int):
    contact_import = get_or_404(ContactImport, import_id)
    if not contact_import.report_key:
        abort(404)
    return Response(
        get_storage().read(contact_import.report_key),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="rejected-rows-{contact_import.id}.csv"'},
    )


@bp.get("/contacts/imports")
@login_required
@role_required(Role.ADMIN)
def imports():
    import sqlalchemy as sa

    rows = db.session.scalars(
        sa.select(ContactImport)
        .where(ContactImport.workspace_id == current_workspace().id)
        .order_by(ContactImport.id.desc())
        .limit(50)
    ).all()
    if not rows:
        flash(_("No imports yet."), "info")
        return redirect(url_for("contacts.upload"))
    return render_template("contacts/imports.html", imports=rows)
