"""Contact pages: list with filters, profile, edits, tags, consent, merge and CSV export."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import audit
from app.api.pagination import decode_cursor, encode_cursor
from app.auth.forms import ConfirmForm
from app.contacts import bp, export, queries, records
from app.contacts.forms import ConsentForm, ContactForm, MergeForm, TagForm
from app.contacts.merge import MergeError, merge_contacts
from app.extensions import db
from app.models import ChannelKind, ConsentStatus, Contact, Role
from app.permissions import current_workspace, get_or_404, role_required
from app.privacy.consent import CONSENT_CHANNELS, consent_state, record_consent


def _filters() -> queries.ContactFilters:
    return queries.ContactFilters.from_dict(
        {
            "q": request.args.get("q"),
            "tags": request.args.getlist("tag"),
            "channel": request.args.get("channel"),
            "consent": request.args.get("consent"),
        }
    )


@bp.get("/contacts")
@login_required
@role_required(Role.AGENT)
def index():
    workspace = current_workspace()
    filters = _filters()
    before = decode_cursor(request.args["before"]) if request.args.get("before") else None
    contacts, next_key = queries.contact_page(workspace.id, filters, before)
    args = {k: v for k, v in request.args.items(multi=False) if k != "before"}
    return render_template(
        "contacts/index.html",
        contacts=contacts,
        filters=filters,
        tags=queries.workspace_tags(workspace.id),
        next_url=url_for("contacts.index", before=encode_cursor(*next_key), **args) if next_key else None,
        total=queries.count(workspace.id, filters),
        channel_kinds=CONSENT_CHANNELS,
    )


@bp.route("/contacts/new", methods=["GET", "POST"])
@login_required
@role_required(Role.ADMIN)
def new():
    form = ContactForm()
    if form.validate_on_submit():
        data = records.ContactInput(
            name=form.name.data, phone=form.phone.data, email=form.email.data, tags=_split(form.tags.data)
        )
        try:
            contact = records.create_contact(current_workspace(), data, default_source="staff")
        except records.ContactError as error:
            getattr(form, error.field, form.name).errors.append(error.reason)
        else:
            db.session.commit()
            return redirect(url_for("contacts.detail", contact_id=contact.id))
    return render_template("contacts/new.html", form=form)


def _split(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


@bp.get("/contacts/<int:contact_id>")
@login_required
@role_required(Role.AGENT)
def detail(contact_id: int):
    contact = get_or_404(Contact, contact_id)
    return _detail_page(contact)


def _detail_page(contact: Contact, status: int = 200, **forms):
    form = forms.get("form") or ContactForm(obj=contact, formdata=None)
    return render_template(
        "contacts/detail.html",
        contact=contact,
        form=form,
        tag_form=forms.get("tag_form") or TagForm(formdata=None),
        consent_form=forms.get("consent_form") or ConsentForm(formdata=None),
        merge_form=forms.get("merge_form") or MergeForm(formdata=None),
        fields=records.field_definitions(contact.workspace_id),
        states={kind: consent_state(contact.id, kind) for kind in CONSENT_CHANNELS},
        history=queries.consent_history(contact.id),
        conversations=queries.conversations_of(contact.id),
        suppressions=queries.suppressions_of(contact),
    ), status


@bp.post("/contacts/<int:contact_id>/edit")
@login_required
@role_required(Role.ADMIN)
def edit(contact_id: int):
    contact = get_or_404(Contact, contact_id)
    form = ContactForm()
    if not form.validate_on_submit():
        return _detail_page(contact, 400, form=form)
    try:
        records.update_contact(contact, current_workspace(), form.name.data, form.phone.data, form.email.data)
    except records.ContactError as error:
        db.session.rollback()
        getattr(form, error.field, form.name).errors.append(error.reason)
        return _detail_page(get_or_404(Contact, contact_id), 400, form=form)
    records.set_custom_fields(contact, {k[6:]: v for k, v in request.form.items() if k.startswith("field_")})
    db.session.commit()
    flash(_("Contact saved."), "success")
    return redirect(url_for("contacts.detail", contact_id=contact.id))


@bp.post("/contacts/<int:contact_id>/tags")
@login_required
@role_required(Role.ADMIN)
def add_tag(contact_id: int):
    contact = get_or_404(Contact, contact_id)
    form = TagForm()
    if form.validate_on_submit():
        records.set_tags(contact, _split(form.name.data))
        db.session.commit()
    return redirect(url_for("contacts.detail", contact_id=contact.id))


@bp.post("/contacts/<int:contact_id>/tags/<int:tag_id>/remove")
@login_required
@role_required(Role.ADMIN)
def remove_tag(contact_id: int, tag_id: int):
    contact = get_or_404(Contact, contact_id)
    if ConfirmForm().validate_on_submit():
        records.remove_tag(contact, tag_id)
        db.session.commit()
    return redirect(url_for("contacts.detail", contact_id=contact.id))


@bp.post("/contacts/<int:contact_id>/consent")
@login_required
@role_required(Role.ADMIN)
def consent(contact_id: int):
    """Staff record consent they collected (or an objection), with its evidence."""
    contact = get_or_404(Contact, contact_id)
    form = ConsentForm()
    if not form.validate_on_submit():
        return _detail_page(contact, 400, consent_form=form)
    evidence = f"{form.evidence.data} (by {current_user.email})"
    record_consent(contact, ChannelKind(form.channel.data), ConsentStatus(form.status.data), "staff", evidence)
    db.session.commit()
    flash(_("Consent recorded."), "success")
    return redirect(url_for("contacts.detail", contact_id=contact.id))


@bp.post("/contacts/<int:contact_id>/merge")
@login_required
@role_required(Role.ADMIN)
def merge(contact_id: int):
    contact = get_or_404(Contact, contact_id)
    form = MergeForm()
    if not form.validate_on_submit():
        return _detail_page(contact, 400, merge_form=form)
    duplicate = db.session.get(Contact, form.other_id.data)
    if duplicate is None or duplicate.workspace_id != contact.workspace_id or duplicate.id == contact.id:
        form.other_id.errors.append(_("No other contact with this number in this workspace."))
        return _detail_page(contact, 400, merge_form=form)
    try:
        moved = merge_contacts(contact, duplicate)
    except MergeError as error:
        form.other_id.errors.append(str(error))
        return _detail_page(contact, 400, merge_form=form)
    audit.record(
        "contact.merged",
        workspace_id=contact.workspace_id,
        actor_id=current_user.id,
        target=f"contact:{contact.id}",
        merged=form.other_id.data,
        **moved,
    )
    db.session.commit()
    flash(_("Contacts merged."), "success")
    return redirect(url_for("contacts.detail", contact_id=contact.id))


@bp.get("/contacts/export.csv")
@login_required
@role_required(Role.ADMIN)
def export_csv():
    workspace = current_workspace()
    audit.record("contacts.exported", workspace_id=workspace.id, actor_id=current_user.id)
    db.session.commit()
    return Response(
        stream_with_context(export.contact_rows(workspace.id, _filters())),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="contacts.csv"'},
    )


from app.contacts import import_routes, setup_routes  # noqa: E402, F401
